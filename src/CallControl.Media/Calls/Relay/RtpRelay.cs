using CallControl.Media.Rtp.Sockets;

namespace CallControl.Media.Calls.Relay;

/// <summary>
/// Bridges the RTP of two legs: a valid packet received on side A's socket is rewritten onto the stream we send
/// to B and sent from B's socket, and the other way round, with no allocation per packet.
/// </summary>
/// <remarks>
/// Each direction keeps its own <see cref="RtpStreamRewriter"/> for the life of the relay, so when a leg is
/// swapped by <see cref="Rebridge"/> the phone that stays hears one continuous stream. A socket can only ever
/// have one receiver, so a replaced socket keeps delivering to a detached port that ignores it.
/// </remarks>
public sealed class RtpRelay
{
    private readonly Direction _fromA;
    private readonly Direction _fromB;
    private readonly Lock _gate = new();
    private Port _portA;
    private Port _portB;
    private bool _stopped;

    /// <param name="timeProvider">The time provider the sockets were bound with, whose timestamps they report.</param>
    public RtpRelay(MediaSocket a, MediaSocket b, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (ReferenceEquals(a, b))
        {
            throw new ArgumentException("A relay needs two different sockets.", nameof(b));
        }

        var frequency = (timeProvider ?? TimeProvider.System).TimestampFrequency;
        _fromA = new Direction(RtpStreamRewriter.CreateRandom(frequency));
        _fromB = new Direction(RtpStreamRewriter.CreateRandom(frequency));
        _portA = new Port(this, a, _fromA);
        _portB = new Port(this, b, _fromB);
        a.SetHandler(_portA);
        b.SetHandler(_portB);
    }

    /// <summary>The stream sent out on B, made of what A sends.</summary>
    public RtpStreamRewriter TowardsB => _fromA.Rewriter;

    /// <summary>The stream sent out on A, made of what B sends.</summary>
    public RtpStreamRewriter TowardsA => _fromB.Rewriter;

    public RelayCounters Counters(RelaySide from) => DirectionFrom(from).Snapshot();

    /// <summary>Stops relaying what <paramref name="from"/> sends, still counting it; the other direction goes on.</summary>
    public void Mute(RelaySide from) => DirectionFrom(from).IsMuted = true;

    public void Unmute(RelaySide from) => DirectionFrom(from).IsMuted = false;

    public bool IsMuted(RelaySide from) => DirectionFrom(from).IsMuted;

    /// <summary>
    /// Replaces the socket of <paramref name="side"/> with <paramref name="socket"/> (a leg's socket, or one not
    /// yet receiving). Both outgoing streams re-anchor, so each phone sees its stream continue with the marker set.
    /// </summary>
    public void Rebridge(RelaySide side, MediaSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            var other = side == RelaySide.A ? _portB : _portA;
            if (ReferenceEquals(socket, other.Socket))
            {
                throw new ArgumentException("A relay needs two different sockets.", nameof(socket));
            }

            // The old port goes quiet first so that the direction's rewriter never sees two sockets at once.
            (side == RelaySide.A ? _portA : _portB).Detach();
            var port = new Port(this, socket, DirectionFrom(side));
            socket.SetHandler(port);
            if (side == RelaySide.A)
            {
                _portA = port;
            }
            else
            {
                _portB = port;
            }

            _fromA.Rewriter.Reanchor();
            _fromB.Rewriter.Reanchor();
        }
    }


    /// <summary>Stops relaying in both directions for good; the sockets stay open for their owner to dispose.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            _portA.Detach();
            _portB.Detach();
        }
    }

    private Direction DirectionFrom(RelaySide side) => side == RelaySide.A ? _fromA : _fromB;

    private MediaSocket OppositeOf(Direction direction) =>
        ReferenceEquals(direction, _fromA) ? Volatile.Read(ref _portB).Socket : Volatile.Read(ref _portA).Socket;

    private void Relay(Direction direction, in ReceivedDatagram datagram)
    {
        Interlocked.Increment(ref direction.Received);
        // The header is rewritten where it lies in the socket's receive buffer, not copied for each packet.
        var packet = datagram.Bytes;
        if (direction.IsMuted)
        {
            if (Rtp.Packets.RtpHeader.TryRead(packet, out _))
            {
                Interlocked.Increment(ref direction.Muted);
            }
            else
            {
                Interlocked.Increment(ref direction.Dropped);
            }

            return;
        }

        if (!direction.Rewriter.TryRewrite(packet, datagram.ReceivedAt))
        {
            Interlocked.Increment(ref direction.Dropped);
            return;
        }

        if (OppositeOf(direction).Send(packet))
        {
            Interlocked.Increment(ref direction.Relayed);
        }
        else
        {
            Interlocked.Increment(ref direction.Unsent);
        }
    }

    private sealed class Direction(RtpStreamRewriter rewriter)
    {
        public long Received;
        public long Relayed;
        public long Dropped;
        public long Muted;
        public long Unsent;
        private volatile bool _isMuted;

        public RtpStreamRewriter Rewriter { get; } = rewriter;

        public bool IsMuted
        {
            get => _isMuted;
            set => _isMuted = value;
        }

        public RelayCounters Snapshot() => new(
            Interlocked.Read(ref Received),
            Interlocked.Read(ref Relayed),
            Interlocked.Read(ref Dropped),
            Interlocked.Read(ref Muted),
            Interlocked.Read(ref Unsent));
    }

    private sealed class Port(RtpRelay relay, MediaSocket socket, Direction direction) : IDatagramHandler
    {
        private volatile bool _detached;

        public MediaSocket Socket { get; } = socket;

        /// <summary>Stops relaying from this socket and frees it for its next owner.</summary>
        public void Detach()
        {
            _detached = true;
            Socket.ReleaseHandler(this);
        }

        public void OnDatagram(MediaSocket socket, in ReceivedDatagram datagram)
        {
            if (!_detached)
            {
                relay.Relay(direction, datagram);
            }
        }
    }
}
