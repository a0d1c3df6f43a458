using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using CallControl.Media.Sip.Timing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallControl.Media.Sip.Transport;

/// <summary>
/// The SIP transport layer (RFC 3261 section 18) at the byte level: UDP sockets and TCP listeners on the
/// configured addresses, outbound TCP connections, and one inbound queue of whole messages.
/// </summary>
/// <remarks>
/// <para>
/// Inbound messages go to <see cref="Inbound"/>, a bounded queue. When it is full a message is not lost
/// unseen: it goes to <see cref="Overloaded"/>, a small queue the layer above drains quickly and answers
/// requests from with 503 Service Unavailable and Retry-After, without full processing (responses found
/// there can be dropped: their sender retransmits). When that queue is full too, a UDP datagram is dropped
/// and counted in <see cref="DroppedDatagrams"/> (its sender retransmits) and a TCP connection stops reading
/// until there is room, which pushes back on the sender through TCP's own flow control.
/// </para>
/// <para>
/// No thread is owned: each UDP socket has one receive loop, each TCP listener one accept loop and each
/// connection one read loop, all asynchronous on the thread pool. Bad input never throws out of the
/// transport: an oversized datagram is dropped, and a TCP stream that cannot be framed is closed.
/// </para>
/// </remarks>
public sealed partial class SipTransport : IAsyncDisposable
{
    /// <summary>The largest message sent or received, in bytes (64 KiB); bigger datagrams are dropped and bigger stream messages close their connection.</summary>
    public const int MaxMessageSize = 64 * 1024;

    private readonly SipTransportOptions _options;
    private readonly TimerWheel _wheel;
    private readonly ILogger _logger;
    private readonly InboundQueues _queues;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<SipEndPoint> _localEndPoints = [];
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _loops = [];
    private long _droppedDatagrams;
    private int _disposed;

    private SipTransport(SipTransportOptions options, TimerWheel wheel, ILogger logger)
    {
        _options = options;
        _wheel = wheel;
        _logger = logger;
        _queues = new InboundQueues(options.InboundQueueCapacity, options.OverloadQueueCapacity);
    }

    /// <summary>Where the transport listens, with the ports the operating system gave for port 0.</summary>
    public IReadOnlyList<SipEndPoint> LocalEndPoints => _localEndPoints;

    /// <summary>Whole inbound messages, in arrival order per socket and connection. See <see cref="InboundSipMessage"/> for who disposes them.</summary>
    public ChannelReader<InboundSipMessage> Inbound => _queues.Inbound;

    /// <summary>Messages that found <see cref="Inbound"/> full: answer requests with 503 and Retry-After, then dispose them.</summary>
    public ChannelReader<InboundSipMessage> Overloaded => _queues.Overloaded;

    /// <summary>UDP datagrams dropped because both queues were full or they were over <see cref="MaxMessageSize"/>.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _droppedDatagrams);

    /// <summary>
    /// Binds every configured address and starts receiving. Throws when an address cannot be bound: that is
    /// a configuration error for the host to stop on.
    /// </summary>
    public static SipTransport Start(SipTransportOptions options, TimerWheel wheel, ILogger<SipTransport>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(wheel);
        options.Validate();
        var transport = new SipTransport(options, wheel, logger ?? (ILogger)NullLogger.Instance);
        try
        {
            foreach (var listen in options.ListenOn)
            {
                if (listen.Kind == SipTransportKind.Udp)
                {
                    transport.StartUdp(listen.EndPoint);
                }
                else
                {
                    transport.StartTcp(listen.EndPoint);
                }
            }
        }
        catch
        {
            transport.Abort();
            throw;
        }

        return transport;
    }

    /// <summary>Sends one message to <paramref name="to"/>; over TCP on a connection to it, opened when there is none.</summary>
    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipEndPoint to, CancellationToken cancellationToken = default) =>
        SendAsync(message, to, via: null, cancellationToken);

    /// <summary>
    /// Sends one message to <paramref name="to"/>. Over TCP it goes on <paramref name="via"/> (the connection
    /// a request came on, for its responses) while that is open, else on a connection to <paramref name="to"/>,
    /// opened when there is none. Cancelling part-way through a TCP write closes that connection.
    /// </summary>
    public ValueTask<SipSendResult> SendAsync(
        ReadOnlyMemory<byte> message, SipEndPoint to, SipConnection? via, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(to.EndPoint);
        if (message.Length > MaxMessageSize)
        {
            return ValueTask.FromResult(SipSendResult.MessageTooLarge);
        }

        return to.Kind == SipTransportKind.Udp
            ? SendUdpAsync(message, to.EndPoint, cancellationToken)
            : SendTcpAsync(message, to.EndPoint, via, cancellationToken);
    }

    /// <summary>Stops listening, closes every connection and completes both queues; messages still queued stay readable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        var reading = new List<Task>(_loops);
        foreach (var connection in _open.Keys)
        {
            connection.Close();
            reading.Add(connection.Reading);
        }

        await Task.WhenAll(reading).ConfigureAwait(false);
        _queues.Complete();
        _stopping.Dispose();
    }

    /// <summary>Undoes a start that failed part-way: no connection exists yet, and the loops end on their own.</summary>
    private void Abort()
    {
        Interlocked.Exchange(ref _disposed, 1);
        _stopping.Cancel();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _queues.Complete();
    }

    internal ValueTask<bool> EnqueueAsync(InboundSipMessage message, CancellationToken cancellationToken) =>
        _queues.EnqueueAsync(message, cancellationToken);

    private static Socket Bind(IPEndPoint endPoint, SocketType socketType, ProtocolType protocol)
    {
        var socket = new Socket(endPoint.AddressFamily, socketType, protocol);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = false;
            }

            socket.Bind(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
