namespace CallControl.Media.Sip.Transport;

/// <summary>
/// What became of a send. Anything but <see cref="Sent"/> is a transport error to the transaction layer
/// (RFC 3261 section 17.1.4 and 17.2.4).
/// </summary>
public enum SipSendResult
{
    /// <summary>Handed to the operating system in full.</summary>
    Sent,

    /// <summary>No listening socket of that transport and address family to send from.</summary>
    NoTransport,

    /// <summary>Over <see cref="SipTransport.MaxMessageSize"/>; nothing was sent.</summary>
    MessageTooLarge,

    /// <summary>A new TCP connection was needed but <see cref="SipTransportOptions.MaxTcpConnections"/> are open.</summary>
    ConnectionLimitReached,

    /// <summary>The TCP connection could not be opened (refused, unreachable or timed out).</summary>
    ConnectFailed,

    /// <summary>The socket failed or the connection closed during the send; a TCP connection is closed after it.</summary>
    SendFailed,
}
