using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Packets;
using CallControl.Media.Tests.Calls.Legs;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Relay;

public sealed class BridgedLegsRelayTests : IDisposable
{
    private readonly BridgeHarness _harness = new();
    private readonly BridgeSide _a;
    private readonly BridgeSide _b;

    public BridgedLegsRelayTests()
    {
        _a = _harness.AddSide();
        _b = _harness.AddSide();
        RtpLeg.Bridge(_a.Leg, _b.Leg);
    }

    [Fact]
    public void FiveHundredPacketsEachWayReachTheOtherPhoneWithTheirPayloadsIntact()
    {
        for (var n = 0; n < 500; n++)
        {
            _a.Phone.Send(0xA, (ushort)n, (uint)(160 * n));
            _b.Phone.Send(0xB, (ushort)(10_000 + n), (uint)(160 * n));
            Pace(n + 1);
        }

        // A loaded machine may lose a few datagrams on loopback; what arrives must be whole.
        Loopback.WaitUntil(() => _a.Phone.Count >= 500 && _b.Phone.Count >= 500, BridgeHarness.Patience);
        AssertIntact(_b.Phone.Received, 0);
        AssertIntact(_a.Phone.Received, 10_000);
        Loopback.WaitUntil(() => _b.Leg.Counters.Relayed == _a.Leg.Counters.Received && _a.Leg.Counters.Relayed == _b.Leg.Counters.Received, BridgeHarness.Patience)
            .ShouldBeTrue("every packet a leg received was relayed");
        _b.Leg.Counters.Relayed.ShouldBeGreaterThanOrEqualTo(475);
        _a.Leg.Counters.Relayed.ShouldBeGreaterThanOrEqualTo(475);
    }

    [Fact]
    public void TheOutgoingStreamKeepsItsSsrcAndContiguousSequenceWhenTheSendingPhoneChangesSsrc()
    {
        for (var n = 0; n < 40; n++)
        {
            // One at a time, 20 ms apart on the clock: the test is about numbering, which loss or reordering would blur.
            _harness.Tick();
            _a.Say(Audio(n < 20 ? 0x1111u : 0x2222u, (ushort)(n < 20 ? n : 5_000 + n), (uint)(160 * n), 0x11));
        }

        _b.WaitUntilHeard(40);
        var heard = _b.Heard;
        heard.Count.ShouldBe(40);
        heard.Select(h => h.Ssrc).Distinct().ShouldBe([_b.Leg.Ssrc]);
        heard.Select((h, i) => (ushort)(h.Sequence - heard[0].Sequence) == i).ShouldAllBe(contiguous => contiguous);
        heard.Select((h, i) => h.Marker == (i is 0 or 20)).ShouldAllBe(expected => expected);
        // The new source starts where the clock is: one packet time after the last packet of the old one.
        heard.Select((h, i) => h.Timestamp - heard[0].Timestamp == 160u * (uint)i).ShouldAllBe(onTime => onTime);
    }

    [Fact]
    public void MutingOneSideStopsOnlyThatDirectionAndStillCountsItsPackets()
    {
        _a.Leg.SetMuted(true);

        for (var n = 0; n < 50; n++)
        {
            _a.Say(Audio(0xA, (ushort)n, (uint)(160 * n), 0xA0));
            _b.Say(Audio(0xB, (ushort)n, (uint)(160 * n), 0xB0));
        }

        _a.WaitUntilHeard(50);
        _a.Leg.Counters.ShouldBe(new RtpLegCounters(Received: 50, Dropped: 0, Muted: 50, Relayed: 50, Generated: 0, NotSent: 0));
        _b.Leg.Counters.ShouldBe(new RtpLegCounters(Received: 50, Dropped: 0, Muted: 0, Relayed: 0, Generated: 0, NotSent: 0));
        _a.Heard.ShouldAllBe(h => h.Payload[0] == 0xB0);
        _b.Phone.Count.ShouldBe(0);
    }

    [Fact]
    public void GarbageIsDroppedAndCountedWhileGoodPacketsStillPass()
    {
        // Too short, version 0, an RTCP SR on the RTP port, and fifteen CSRCs that are not there.
        byte[][] garbage = [[1, 2, 3], new byte[40], [0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0], [0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]];
        foreach (var datagram in garbage)
        {
            _a.Say(datagram);
        }

        _a.Say(Audio(0xA, 1, 160, 0xA0));

        _b.WaitUntilHeard(1);
        _a.Leg.Counters.ShouldBe(new RtpLegCounters(Received: 1, Dropped: 4, Muted: 0, Relayed: 0, Generated: 0, NotSent: 0));
        _b.Leg.Counters.Relayed.ShouldBe(1);
        _b.Phone.Received.Single().Length.ShouldBe(172);
    }

    [Fact]
    public void RebridgingALegToAThirdLegKeepsTheStreamTheStayingPhoneHears()
    {
        var c = _harness.AddSide();
        _b.Say(Audio(0xB, 100, 1_000, 0xB0));
        _a.WaitUntilHeard(1);

        RtpLeg.Bridge(_a.Leg, c.Leg);
        // The same SSRC, sequence and timestamp as the phone that left: only the bridge says this is a new stream.
        c.Say(Audio(0xB, 100, 1_000, 0xC0));
        _a.WaitUntilHeard(2);
        _b.Say(Audio(0xB, 101, 1_160, 0xB0));
        _a.Say(Audio(0xA, 1, 160, 0xA0));
        c.WaitUntilHeard(1);

        var heard = _a.Heard;
        heard.Count.ShouldBe(2);
        heard[1].Ssrc.ShouldBe(heard[0].Ssrc);
        ((ushort)(heard[1].Sequence - heard[0].Sequence)).ShouldBe((ushort)1);
        heard[1].Marker.ShouldBeTrue();
        heard[1].Payload[0].ShouldBe((byte)0xC0);
        _a.Leg.Counters.Relayed.ShouldBe(2);
        _b.Leg.Peer.ShouldBeNull();
        _b.Leg.Counters.Relayed.ShouldBe(0);
        _b.Phone.Count.ShouldBe(0);
    }

    public void Dispose() => _harness.Dispose();

    private static byte[] Audio(uint ssrc, ushort sequence, uint timestamp, byte fill)
    {
        var payload = new byte[160];
        payload.AsSpan().Fill(fill);
        return BridgeSide.Packet(RtpLegRemote.Pcmu, sequence, timestamp, ssrc, payload);
    }

    // Far faster than 20 ms, but with at most two bursts in flight: on a loaded machine the receive loops may
    // wait for a thread, and the kernel buffers must not overflow meanwhile. A few losses are allowed for.
    private void Pace(int sent)
    {
        if (sent % 25 == 0)
        {
            Loopback.WaitUntil(() => _a.Phone.Count >= sent - 25 && _b.Phone.Count >= sent - 25, BridgeHarness.Patience);
        }
    }

    private static void AssertIntact(IReadOnlyList<byte[]> received, int firstSequence)
    {
        received.Count.ShouldBeGreaterThanOrEqualTo(475);
        foreach (var packet in received)
        {
            RtpHeader.TryRead(packet, out var header).ShouldBeTrue();
            var original = (ushort)((header.Payload[0] << 8) | header.Payload[1]);
            (original - firstSequence).ShouldBeInRange(0, 499);
            header.Payload.Length.ShouldBe(160);
            header.Payload[2..].ToArray().ShouldAllBe(b => b == Phone.PayloadByte(original));
        }
    }
}
