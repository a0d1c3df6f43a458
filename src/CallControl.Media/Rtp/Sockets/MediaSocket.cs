using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace CallControl.Media.Rtp.Sockets;

/// <summary>
/// One UDP socket of a call's media (its RTP or its RTCP port): a receive loop that hands every datagram to a
/// handler, and sends to the far end chosen by the <see cref="SymmetricRtp"/> policy.
/// </summary>
/// <remarks>
/// Receiving is one asynchronous loop per socket over <see cref="Socket.ReceiveFromAsync(Memory{byte}, SocketFlags, SocketAddress, CancellationToken)"/>:
/// while no datagram is waiting the loop holds no thread, and completions run on the thread pool, so a few
/// threads serve every call. That overload reuses the socket's cached operation and writes the source into
/// the same <see cref="SocketAddress"/> each time, so with the one rented buffer nothing is allocated per
/// datagram. Sending is a synchronous <see cref="Socket.SendTo(ReadOnlySpan{byte}, SocketFlags, SocketAddress)"/>
/// to a cached address: a UDP send only copies into the kernel, and avoids any allocation or completion.
/// </remarks>
public sealed class MediaSocket : IDisposable
{
    /// <summary>Larger than any RTP or RTCP packet on an Ethernet path; longer datagrams arrive truncated.</summary>
    public const int MaxDatagramSize = 2048;

    private readonly Socket _socket;
    private readonly TimeProvider _time;
    private readonly Lock _remoteGate = new();
    private SymmetricRtp _policy;
    private SocketAddress? _sdpRemote;
    private SocketAddress? _sendTo;
    private bool _decided;
    private long _sendFailures;
    private long _unhandled;
    private IDatagramHandler? _handler;
    private int _started;
    private int _disposed;

    internal MediaSocket(Socket socket, TimeProvider time)
    {
        _socket = socket;
        _time = time;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Where <see cref="Send"/> goes now; null while there is nowhere to send.</summary>
    public SocketAddress? Remote => Volatile.Read(ref _sendTo);

    /// <summary>True once the remote was taken from a received packet rather than the SDP.</summary>
    public bool IsLatched { get; private set; }

    /// <summary>Sends that the operating system refused (no route, buffer full).</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Datagrams that arrived while no handler was set, and were dropped.</summary>
    public long UnhandledDatagrams => Interlocked.Read(ref _unhandled);

    /// <summary>
    /// Sets the far end from an SDP offer or answer and the latching policy, and reopens the latching decision:
    /// a re-INVITE may move the peer.
    /// </summary>
    /// <param name="sdpRemote">The SDP connection address and port; null when the SDP gave none usable.</param>
    public void SetRemote(IPEndPoint? sdpRemote, SymmetricRtp policy)
    {
        var address = sdpRemote?.Serialize();
        lock (_remoteGate)
        {
            _policy = policy;
            _sdpRemote = address;
            _decided = policy == SymmetricRtp.Off;
            IsLatched = false;
            Volatile.Write(ref _sendTo, address);
        }
    }

    /// <summary>Sends one datagram to <see cref="Remote"/>; false if there is none or the send failed.</summary>
    public bool Send(ReadOnlySpan<byte> datagram)
    {
        var remote = Volatile.Read(ref _sendTo);
        if (remote is null)
        {
            return false;
        }

        try
        {
            return _socket.SendTo(datagram, SocketFlags.None, remote) == datagram.Length;
        }
        catch (SocketException)
        {
            // A media send failing is a fact to count, not a reason to stop the clock that is sending it.
            Interlocked.Increment(ref _sendFailures);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Starts the receive loop; each datagram goes to <paramref name="handler"/> until disposal or until
    /// <see cref="SetHandler"/> replaces it.
    /// </summary>
    public void StartReceiving(IDatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The socket is already receiving.");
        }

        Volatile.Write(ref _handler, handler);
        _ = ReceiveLoopAsync();
    }

    /// <summary>
    /// Hands the following datagrams to <paramref name="handler"/>, starting the receive loop on first use, so a
    /// socket can move between a relay and a leg without closing its port; with null they are counted in
    /// <see cref="UnhandledDatagrams"/> and dropped. A datagram being handled when this is called may still
    /// reach the previous handler.
    /// </summary>
    public void SetHandler(IDatagramHandler? handler)
    {
        Volatile.Write(ref _handler, handler);
        if (handler is not null && Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = ReceiveLoopAsync();
        }
    }

    /// <summary>Detaches <paramref name="handler"/> if it is still the one receiving (a later owner's handler is left alone).</summary>
    public void ReleaseHandler(IDatagramHandler handler) => Interlocked.CompareExchange(ref _handler, null, handler);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagramSize);
        var source = new SocketAddress(_socket.AddressFamily);
        var capacity = source.Size;
        try
        {
            while (true)
            {
                source.Size = capacity;
                int length;
                try
                {
                    length = await _socket.ReceiveFromAsync(buffer.AsMemory(0, MaxDatagramSize), SocketFlags.None, source, CancellationToken.None);
                }
                catch (SocketException) when (Volatile.Read(ref _disposed) == 0)
                {
                    // An ICMP error reported on a UDP socket belongs to an earlier send, not to this receive.
                    continue;
                }

                var receivedAt = _time.GetTimestamp();
                Latch(source);
                var handler = Volatile.Read(ref _handler);
                if (handler is null)
                {
                    Interlocked.Increment(ref _unhandled);
                    continue;
                }

                handler.OnDatagram(this, new ReceivedDatagram(buffer.AsSpan(0, length), source, receivedAt));
            }
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            // Disposal ends the loop by failing the pending receive.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Latch(SocketAddress source)
    {
        if (Volatile.Read(ref _decided))
        {
            return;
        }

        lock (_remoteGate)
        {
            if (_decided)
            {
                return;
            }

            _decided = true;
            if (_policy == SymmetricRtp.Auto && source.Equals(_sdpRemote))
            {
                return;
            }

            var latched = new SocketAddress(source.Family, source.Size);
            source.Buffer.Span[..source.Size].CopyTo(latched.Buffer.Span);
            IsLatched = true;
            Volatile.Write(ref _sendTo, latched);
        }
    }
}
