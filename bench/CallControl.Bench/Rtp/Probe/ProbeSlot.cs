using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CallControl.Bench.Rtp.Probe;

/// <summary>
/// One call as the probe sees it: a source socket that stands for the caller's phone, with the odd port above
/// it bound so that the worker's RTCP lands somewhere, and the figures of the call's relayed packets, which
/// all calls' callee legs send to the probe's one sink.
/// </summary>
/// <remarks>
/// The generator thread sends from the source; the receiver thread latches the source's destination and
/// hands over the call's packets read from the sink; the control thread marks and ends the window. The
/// receiver and control threads share the window's figures under the probe's one lock; the counter and the
/// send times cross from the generator through volatile reads and writes.
/// </remarks>
internal sealed class ProbeSlot : IDisposable
{
    /// <summary>RTP header and one 20 ms G.711 frame.</summary>
    public const int PacketLength = HeaderLength + FrameLength;

    /// <summary>Where in a packet its slot is written: after the counter, at the start of the payload.</summary>
    public const int SlotOffset = HeaderLength + 4;

    private const int HeaderLength = 12;
    private const int FrameLength = 160;

    // Send times of the last 4,096 packets (82 s): a relayed packet is never that late.
    private const int SentRing = 4096;

    private readonly long[] _sentAt = new long[SentRing];
    private readonly List<long> _failedSends = [];
    private readonly Socket _sourceRtcp;
    private readonly uint _ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
    private readonly uint _timestampBase = (uint)Random.Shared.NextInt64(uint.MaxValue + 1L);
    private SocketAddress? _destination;
    private long _nextCounter;
    private long _mark = long.MaxValue;
    private long _end = long.MaxValue;
    private bool _hasTransit;
    private long _lastTransit;
    private double _jitter;
    private long _received;
    private long _windowReceived;
    private double _windowJitterSum;
    private long _windowMaxTransit;
    private long _windowUntimed;

    private ProbeSlot(int index, Socket source, Socket sourceRtcp)
    {
        Index = index;
        Source = source;
        _sourceRtcp = sourceRtcp;
    }

    public int Index { get; }

    /// <summary>Where the caller's audio comes from, and where the worker sends the callee's (the caller's SDP names it).</summary>
    public Socket Source { get; }

    public int SourcePort => ((IPEndPoint)Source.LocalEndPoint!).Port;

    /// <summary>Whether the worker's caller leg is known, so that the probe sends to it.</summary>
    public bool Latched => Volatile.Read(ref _destination) is not null;

    /// <summary>Whether any relayed packet reached the sink; read under the probe's lock.</summary>
    public bool Flowing => _received > 0;

    /// <summary>Binds the source and the port above it (<paramref name="port"/> even) on loopback; null when either is taken.</summary>
    public static ProbeSlot? TryBind(int index, int port) =>
        BindPair(port) is { } pair ? new ProbeSlot(index, pair.Rtp, pair.Rtcp) : null;

    /// <summary>Binds an RTP port and the RTCP port above it on loopback; null when either is taken.</summary>
    public static (Socket Rtp, Socket Rtcp)? BindPair(int port)
    {
        var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            rtp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
            return (rtp, rtcp);
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            rtp.Dispose();
            rtcp.Dispose();
            return null;
        }
    }

    /// <summary>Sends to where the worker's caller leg sends from: it is the address its SDP answer gave the caller.</summary>
    public void Latch(IPEndPoint workerLeg) => Volatile.Write(ref _destination, workerLeg.Serialize());

    /// <summary>
    /// Sends the next packet, once latched: the tone with the packet's counter and the call's slot in its first
    /// eight payload bytes (a relay passes payloads through untouched), its send time noted just before the send.
    /// </summary>
    public void SendNext(byte[] packet, byte[] tone)
    {
        if (Volatile.Read(ref _destination) is not { } destination)
        {
            return;
        }

        var counter = _nextCounter;
        var span = packet.AsSpan(0, PacketLength);
        span[0] = 0x80;
        span[1] = counter == 0 ? (byte)0x80 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)counter);
        BinaryPrimitives.WriteUInt32BigEndian(span[4..], _timestampBase + (uint)(counter * FrameLength));
        BinaryPrimitives.WriteUInt32BigEndian(span[8..], _ssrc);
        var frames = tone.Length / FrameLength;
        tone.AsSpan((int)(counter % frames) * FrameLength, FrameLength).CopyTo(span[HeaderLength..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[HeaderLength..], (uint)counter);
        BinaryPrimitives.WriteInt32BigEndian(span[SlotOffset..], Index);
        Volatile.Write(ref _sentAt[counter % SentRing], DateTime.UtcNow.Ticks);
        Volatile.Write(ref _nextCounter, counter + 1);
        try
        {
            Source.SendTo(span, SocketFlags.None, destination);
        }
        catch (SocketException)
        {
            lock (_failedSends)
            {
                _failedSends.Add(counter);
            }
        }
    }

    /// <summary>A relayed packet of this call read from the sink (its first bytes at least); called under the probe's lock.</summary>
    /// <returns>Its transit through the worker in ticks when it belongs to the window, else -1.</returns>
    public long OnRelayed(ReadOnlySpan<byte> packet, LinuxDatagram datagram)
    {
        if (packet.Length < SlotOffset + 4)
        {
            return -1;
        }

        var counter = (long)BinaryPrimitives.ReadUInt32BigEndian(packet[HeaderLength..]);
        if (counter >= Volatile.Read(ref _nextCounter))
        {
            return -1;
        }

        var timed = datagram.ArrivedTicks != 0;
        var arrived = timed ? datagram.ArrivedTicks : DateTime.UtcNow.Ticks;
        var transit = arrived - Volatile.Read(ref _sentAt[counter % SentRing]);
        // RFC 3550 §6.4.1 with the probe's send time in place of the RTP timestamp: only the worker's part varies.
        if (_hasTransit)
        {
            _jitter += (Math.Abs(transit - _lastTransit) - _jitter) / 16.0;
        }

        _hasTransit = true;
        _lastTransit = transit;
        _received++;
        if (counter < _mark || counter >= _end)
        {
            return -1;
        }

        _windowReceived++;
        _windowJitterSum += _jitter;
        _windowMaxTransit = Math.Max(_windowMaxTransit, transit);
        _windowUntimed += timed ? 0 : 1;
        return transit;
    }

    /// <summary>Starts the window at the next packet; called under the probe's lock.</summary>
    public void Mark()
    {
        _mark = Volatile.Read(ref _nextCounter);
        _end = long.MaxValue;
        _windowReceived = 0;
        _windowJitterSum = 0;
        _windowMaxTransit = 0;
        _windowUntimed = 0;
    }

    /// <summary>Ends the window after the last packet sent; called under the probe's lock.</summary>
    public void End() => _end = Volatile.Read(ref _nextCounter);

    /// <summary>The window's figures; called under the probe's lock once late packets had time to arrive.</summary>
    public ProbeSlotReport Report()
    {
        var sent = _mark == long.MaxValue ? 0 : Math.Max(0, _end - _mark);
        lock (_failedSends)
        {
            sent -= _failedSends.Count(counter => counter >= _mark && counter < _end);
        }

        return new ProbeSlotReport(
            Index,
            sent,
            _windowReceived,
            _windowReceived == 0 ? 0 : _windowJitterSum / _windowReceived / TimeSpan.TicksPerMillisecond,
            (double)_windowMaxTransit / TimeSpan.TicksPerMillisecond,
            _windowUntimed);
    }

    public void Dispose()
    {
        Source.Dispose();
        _sourceRtcp.Dispose();
    }
}
