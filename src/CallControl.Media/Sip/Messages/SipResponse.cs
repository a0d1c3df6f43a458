namespace CallControl.Media.Sip.Messages;

/// <summary>A SIP response: status code, reason phrase, headers and body.</summary>
public sealed record SipResponse : SipMessage
{
    private readonly string _reasonPhrase = string.Empty;

    /// <summary>The status code, 100 to 699.</summary>
    public required int StatusCode { get; init; }

    /// <summary>The reason phrase; may be empty.</summary>
    /// <exception cref="ArgumentException">The phrase holds CR or LF.</exception>
    public string ReasonPhrase
    {
        get => _reasonPhrase;
        init => _reasonPhrase = value.AsSpan().ContainsAny('\r', '\n')
            ? throw new ArgumentException("A reason phrase cannot hold CR or LF.", nameof(value))
            : value;
    }

    /// <summary>True for 1xx.</summary>
    public bool IsProvisional => StatusCode < 200;

    /// <summary>True for 2xx.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>
    /// A response to <paramref name="request"/> (RFC 3261 8.2.6.2): its Via headers in order, From, To,
    /// Call-ID and CSeq are copied as received; <paramref name="toTag"/> is added to To when To has no tag
    /// yet. The reason phrase defaults to the standard one for the code.
    /// </summary>
    public static SipResponse Create(SipRequest request, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Create(request.Headers, statusCode, reasonPhrase, toTag);
    }


    internal static SipResponse Create(SipHeaderList requestHeaders, int statusCode, string? reasonPhrase, string? toTag)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        var headers = SipHeaderList.Empty;
        foreach (var header in requestHeaders)
        {
            if (header.Name is SipHeaderNames.Via
                || (header.Name is SipHeaderNames.From or SipHeaderNames.CallId or SipHeaderNames.CSeq && !headers.Contains(header.Name)))
            {
                headers = headers.Add(header);
            }
            else if (header.Name is SipHeaderNames.To && headers.First(SipHeaderNames.To) is null)
            {
                headers = headers.Add(toTag is not null && header.Parsed is NameAddress { Tag: null } to
                    ? SipMessageBuilding.NameAddressHeader(SipHeaderNames.To, to.WithTag(toTag))
                    : header);
            }
        }

        return new SipResponse
        {
            StatusCode = statusCode,
            ReasonPhrase = reasonPhrase ?? SipReasonPhrases.For(statusCode),
            Headers = headers,
        };
    }
}
