namespace CallControl.Media.Sip.Messages;

/// <summary>A SIP request: method, Request-URI, headers and body.</summary>
public sealed record SipRequest : SipMessage
{
    public required SipMethod Method { get; init; }

    /// <summary>The Request-URI; a SIP URI here carries no headers part.</summary>
    public required MessageUri RequestUri { get; init; }

    /// <summary>A request with only its Request-Line; add headers with the building methods.</summary>
    public static SipRequest Create(SipMethod method, MessageUri requestUri) =>
        new() { Method = method, RequestUri = requestUri };
}
