using System.Net;
using System.Net.Sockets;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Clock;
using CallControl.Media.Rtp.Packets;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Tests.Calls.Relay;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Legs;

/// <summary>
/// Legs on loopback, each facing its own phone, sharing one virtual clock that the test ticks by hand (legs and
/// any other subscriber, such as a recorder). Bridging, muting and music are left to the test.
/// </summary>
internal sealed class BridgeHarness : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<BridgeSide> _sides = [];
    private readonly List<IMediaClockSubscriber> _subscribers = [];
    private long _ticks;

    public VirtualClock Clock { get; } = new();

    /// <summary>The due time of the last tick, as the media clock counts it.</summary>
    public TimeSpan Now => LegHarness.PacketTime * _ticks;

    /// <summary>The due time of the next tick: what "from the next tick" means for digits.</summary>
    public TimeSpan NextTick => LegHarness.PacketTime * (_ticks + 1);

    /// <summary>A leg facing a new phone that negotiated <paramref name="payloadType"/> and, when given, telephone-event.</summary>
    public BridgeSide AddSide(byte payloadType = RtpLegRemote.Pcmu, byte? telephoneEvent = 101, RtpLegOptions? options = null)
    {
        var side = new BridgeSide(Clock, payloadType, telephoneEvent, options);
        _sides.Add(side);
        return side;
    }

    /// <summary>Ticks <paramref name="subscriber"/> along with the legs.</summary>
    public void AddToClock(IMediaClockSubscriber subscriber) => _subscribers.Add(subscriber);

    /// <summary>Moves the virtual clock one packet time and ticks every leg and subscriber, as the media clock would.</summary>
    public void Tick(int count = 1)
    {
        for (var n = 0; n < count; n++)
        {
            Clock.Advance(LegHarness.PacketTime);
            _ticks++;
            var tick = new MediaTick(_ticks, Now, TimeSpan.Zero);
            foreach (var side in _sides)
            {
                side.Leg.OnTick(tick);
            }

            foreach (var subscriber in _subscribers)
            {
                subscriber.OnTick(tick);
            }
        }
    }

    public void Dispose()
    {
        foreach (var side in _sides)
        {
            side.Dispose();
        }
    }
}

/// <summary>One leg and the phone it faces: a UDP socket for RTP that records what comes back, and one for RTCP.</summary>
internal sealed class BridgeSide : IDisposable
{
    private readonly byte[] _rtcpBuffer = new byte[2048];

    public BridgeSide(TimeProvider time, byte payloadType, byte? telephoneEvent, RtpLegOptions? options)
    {
        var sockets = Loopback.BindPair();
        Phone = new Phone(sockets.Rtp.LocalEndPoint);
        PhoneRtcp = Loopback.BindUdp();
        Leg = new RtpLeg(
            sockets,
            new RtpLegRemote(Phone.EndPoint, payloadType, telephoneEvent, PhoneRtcp.EndPoint(), SymmetricRtp.Off),
            options,
            time);
    }

    public RtpLeg Leg { get; }

    public Phone Phone { get; }

    public Socket PhoneRtcp { get; }

    /// <summary>The RTP packets the phone has received so far, in order of arrival.</summary>
    public IReadOnlyList<HeardPacket> Heard => [.. Phone.Received.Select(HeardPacket.Parse)];

    /// <summary>A G.711 or telephone-event packet as a phone would send it.</summary>
    public static byte[] Packet(byte payloadType, ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, bool marker = false)
    {
        var packet = new byte[RtpHeader.FixedLength + payload.Length];
        RtpPacketWriter.Write(packet, marker, payloadType, sequence, timestamp, ssrc, payload);
        return packet;
    }

    /// <summary>
    /// Sends <paramref name="packet"/> from the phone and waits until the leg has decided its fate (passed on to the
    /// peer, kept back by the mute, or not sent by the peer), so that whatever the test does next comes after it.
    /// </summary>
    public void Say(ReadOnlySpan<byte> packet)
    {
        var before = Settled();
        Phone.SendRaw(packet);
        Loopback.WaitUntil(() => Settled() > before, BridgeHarness.Patience).ShouldBeTrue("the leg handled the phone's packet");
    }

    /// <summary>Waits until the phone has received at least <paramref name="count"/> RTP packets.</summary>
    public void WaitUntilHeard(int count) =>
        Loopback.WaitUntil(() => Phone.Count >= count, BridgeHarness.Patience).ShouldBeTrue($"the phone received {count} packets");

    public byte[] ReceiveRtcp()
    {
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var length = PhoneRtcp.ReceiveFrom(_rtcpBuffer, ref from);
        return _rtcpBuffer.AsSpan(0, length).ToArray();
    }

    public void Dispose()
    {
        Leg.Dispose();
        Phone.Dispose();
        PhoneRtcp.Dispose();
    }

    // Every outcome is counted after the packet was recorded, measured and (if it is a digit) reported.
    private long Settled()
    {
        var own = Leg.Counters;
        if (Leg.Peer is not { } peer)
        {
            return own.Received + own.Dropped;
        }

        var theirs = peer.Counters;
        return own.Dropped + own.Muted + theirs.Relayed + theirs.NotSent;
    }
}

/// <summary>The fields of a received RTP packet that the tests look at.</summary>
internal readonly record struct HeardPacket(uint Ssrc, ushort Sequence, uint Timestamp, bool Marker, byte PayloadType, byte[] Payload)
{
    public static HeardPacket Parse(byte[] packet)
    {
        RtpHeader.TryRead(packet, out var header).ShouldBeTrue("the phone received RTP");
        return new HeardPacket(header.Ssrc, header.SequenceNumber, header.Timestamp, header.Marker, header.PayloadType, header.Payload.ToArray());
    }
}
