using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Parsing;

/// <summary>
/// Why a message was rejected, and what could still be read of it: enough, for a request whose Via,
/// From, To, Call-ID and CSeq were there, to answer with <see cref="CreateResponse"/>.
/// </summary>
public sealed record SipParseError
{
    public required SipParseErrorKind Kind { get; init; }

    /// <summary>What was wrong, for logs.</summary>
    public required string Detail { get; init; }

    /// <summary>The header at fault, canonical name, when the fault is in one.</summary>
    public string? HeaderName { get; init; }

    /// <summary>True when the start line reads as a request (whatever else was wrong with it).</summary>
    public bool IsRequest { get; init; }

    /// <summary>The request's method, when its first token was readable.</summary>
    public SipMethod? Method { get; init; }

    /// <summary>The header fields that could be read, in order, including ones whose value was bad.</summary>
    public SipHeaderList Headers { get; init; } = SipHeaderList.Empty;

    /// <summary>
    /// True when a stream can no longer be read, because where this message ends is unknown: the
    /// transport closes the connection (after answering, when <see cref="CanRespond"/>).
    /// </summary>
    public bool FramingLost { get; init; }

    /// <summary>
    /// True for a request other than ACK whose Via, From, To, Call-ID and CSeq headers were all present,
    /// so that an error response can be built; otherwise the message is dropped.
    /// </summary>
    public bool CanRespond =>
        IsRequest
        && Method is { } method && method != SipMethod.Ack
        && Headers.Contains(SipHeaderNames.Via)
        && Headers.Contains(SipHeaderNames.From)
        && Headers.Contains(SipHeaderNames.To)
        && Headers.Contains(SipHeaderNames.CallId)
        && Headers.Contains(SipHeaderNames.CSeq);

    /// <summary>The status to answer with: 505 for a SIP version, 513 for size, 400 otherwise.</summary>
    public int ResponseStatusCode => Kind switch
    {
        SipParseErrorKind.UnsupportedVersion => 505,
        SipParseErrorKind.MessageTooLarge => 513,
        _ => 400,
    };

    /// <summary>
    /// The error response for a rejected request, with the salvaged Via, From, To, Call-ID and CSeq and
    /// <see cref="Detail"/> as reason phrase; null when <see cref="CanRespond"/> is false.
    /// </summary>
    public SipResponse? CreateResponse(string? toTag = null)
    {
        if (!CanRespond)
        {
            return null;
        }

        var reason = $"{SipReasonPhrases.For(ResponseStatusCode)} ({Detail})";
        return SipResponse.Create(Headers, ResponseStatusCode, reason, toTag);
    }
}
