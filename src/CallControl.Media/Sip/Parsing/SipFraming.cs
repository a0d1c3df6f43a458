namespace CallControl.Media.Sip.Parsing;

/// <summary>How the transport delimits messages (RFC 3261 18.3).</summary>
public enum SipFraming
{
    /// <summary>One datagram is one message; without Content-Length the body runs to the end of the datagram.</summary>
    Datagram,

    /// <summary>A byte stream (TCP, TLS) that may hold part of a message or several; Content-Length is required.</summary>
    Stream,
}
