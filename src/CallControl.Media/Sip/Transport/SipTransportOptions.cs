namespace CallControl.Media.Sip.Transport;

/// <summary>Where the SIP transport listens and the limits it keeps.</summary>
public sealed record SipTransportOptions
{
    /// <summary>One UDP socket or TCP listener per entry; port 0 takes a free port (see <see cref="SipTransport.LocalEndPoints"/>).</summary>
    public IReadOnlyList<SipEndPoint> ListenOn { get; init; } = [];

    /// <summary>Messages waiting for the layer above before new ones go to the overload queue.</summary>
    public int InboundQueueCapacity { get; init; } = 4096;

    /// <summary>
    /// Messages that found the inbound queue full, waiting for a cheap 503 answer. When this queue is full
    /// too, a UDP datagram is dropped and counted and a TCP connection stops reading until there is room.
    /// </summary>
    public int OverloadQueueCapacity { get; init; } = 256;

    /// <summary>Open TCP connections, inbound and outbound together; more are refused.</summary>
    public int MaxTcpConnections { get; init; } = 1024;

    /// <summary>
    /// A TCP connection with no bytes either way for this long is closed. Five minutes by default: longer
    /// than an INVITE may ring (Timer C is at least 3 minutes, RFC 3261 section 16.6), so a final response
    /// still finds the connection the request came on.
    /// </summary>
    public TimeSpan TcpIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan TcpConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A write that takes longer (a peer that stopped reading) fails and closes its connection.</summary>
    public TimeSpan TcpSendTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        if (ListenOn.Count == 0)
        {
            throw new ArgumentException("The SIP transport needs at least one address to listen on.", nameof(ListenOn));
        }

        foreach (var endPoint in ListenOn)
        {
            ArgumentNullException.ThrowIfNull(endPoint.EndPoint, nameof(ListenOn));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(InboundQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(OverloadQueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxTcpConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TcpIdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TcpConnectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TcpSendTimeout, TimeSpan.Zero);
    }
}
