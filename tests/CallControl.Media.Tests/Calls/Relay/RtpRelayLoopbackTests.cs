using CallControl.Media.Calls.Relay;
using CallControl.Media.Rtp.Packets;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Relay;

public sealed class RtpRelayLoopbackTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly RtpSocketPair _legA = Loopback.BindPair();
    private readonly RtpSocketPair _legB = Loopback.BindPair();
    private readonly Phone _phoneA;
    private readonly Phone _phoneB;
    private readonly RtpRelay _relay;

    public RtpRelayLoopbackTests()
    {
        _phoneA = new Phone(_legA.Rtp.LocalEndPoint);
        _phoneB = new Phone(_legB.Rtp.LocalEndPoint);
        _legA.Rtp.SetRemote(_phoneA.EndPoint, SymmetricRtp.Off);
        _legB.Rtp.SetRemote(_phoneB.EndPoint, SymmetricRtp.Off);
        _relay = new RtpRelay(_legA.Rtp, _legB.Rtp);
    }

    [Fact]
    public void FiveHundredPacketsEachWayReachTheOtherPhoneWithTheirPayloadsIntact()
    {
        for (var n = 0; n < 500; n++)
        {
            _phoneA.Send(0xA, (ushort)n, (uint)(160 * n));
            _phoneB.Send(0xB, (ushort)(10_000 + n), (uint)(160 * n));
            Pace(n);
        }

        Loopback.WaitUntil(() => _phoneA.Count >= 500 && _phoneB.Count >= 500, Patience);
        AssertIntact(_phoneB.Received, 0);
        AssertIntact(_phoneA.Received, 10_000);
        _relay.Counters(RelaySide.A).Relayed.ShouldBeGreaterThanOrEqualTo(475);
        _relay.Counters(RelaySide.B).Relayed.ShouldBeGreaterThanOrEqualTo(475);
    }

    [Fact]
    public void TheOutgoingStreamKeepsItsSsrcAndContiguousSequenceWhenTheSendingPhoneChangesSsrc()
    {
        for (var n = 0; n < 40; n++)
        {
            // One at a time: the test is about numbering, which loss or reordering on a loaded machine would blur.
            _phoneA.Send(n < 20 ? 0x1111u : 0x2222u, (ushort)(n < 20 ? n : 5_000 + n), (uint)(160 * n));
            Loopback.WaitUntil(() => _phoneB.Count > n, Patience).ShouldBeTrue();
        }

        var headers = _phoneB.Received.Select(Read).ToList();
        headers.Select(h => h.Ssrc).Distinct().ShouldBe([_relay.TowardsB.Ssrc]);
        headers.Select((h, i) => (ushort)(h.Sequence - headers[0].Sequence) == i).ShouldAllBe(contiguous => contiguous);
        headers.Select((h, i) => h.Marker == (i is 0 or 20)).ShouldAllBe(expected => expected);
        ((int)(headers[20].Timestamp - headers[19].Timestamp)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void MutingOneSideStopsOnlyThatDirectionAndStillCountsItsPackets()
    {
        _relay.Mute(RelaySide.A);

        for (var n = 0; n < 50; n++)
        {
            _phoneA.Send(0xA, (ushort)n, (uint)(160 * n));
            _phoneB.Send(0xB, (ushort)n, (uint)(160 * n));
            Pace(n);
        }

        Loopback.WaitUntil(() => _phoneA.Count >= 50 && _relay.Counters(RelaySide.A).Muted >= 50, Patience);
        _relay.Counters(RelaySide.A).Muted.ShouldBeGreaterThanOrEqualTo(48);
        _relay.Counters(RelaySide.A).Relayed.ShouldBe(0);
        _phoneB.Count.ShouldBe(0);
        _phoneA.Count.ShouldBeGreaterThanOrEqualTo(48);
    }

    [Fact]
    public void GarbageIsDroppedAndCountedWhileGoodPacketsStillPass()
    {
        byte[][] garbage = [[1, 2, 3], new byte[40], [0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0], [0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]];
        foreach (var datagram in garbage)
        {
            _phoneA.SendRaw(datagram);
        }

        _phoneA.Send(0xA, 1, 160);

        Loopback.WaitUntil(() => _phoneB.Count >= 1 && _relay.Counters(RelaySide.A).Dropped >= 4, Patience).ShouldBeTrue();
        _relay.Counters(RelaySide.A).ShouldBe(new RelayCounters(Received: 5, Relayed: 1, Dropped: 4, Muted: 0, Unsent: 0));
        _phoneB.Received.Single().Length.ShouldBe(172);
    }

    [Fact]
    public void RebridgingALegToAnotherPhoneKeepsTheStreamTheStayingPhoneHears()
    {
        using var legC = Loopback.BindPair();
        using var phoneC = new Phone(legC.Rtp.LocalEndPoint);
        legC.Rtp.SetRemote(phoneC.EndPoint, SymmetricRtp.Off);
        _phoneB.Send(0xB, 100, 1_000);
        Loopback.WaitUntil(() => _phoneA.Count >= 1, Patience).ShouldBeTrue();

        _relay.Rebridge(RelaySide.B, legC.Rtp);
        phoneC.Send(0xB, 100, 1_000);
        Loopback.WaitUntil(() => _phoneA.Count >= 2, Patience).ShouldBeTrue();
        _phoneB.Send(0xB, 101, 1_160);
        _phoneA.Send(0xA, 1, 160);
        Loopback.WaitUntil(() => phoneC.Count >= 1, Patience).ShouldBeTrue();

        var heard = _phoneA.Received.Select(Read).ToList();
        heard.Count.ShouldBe(2);
        heard[1].Ssrc.ShouldBe(heard[0].Ssrc);
        ((ushort)(heard[1].Sequence - heard[0].Sequence)).ShouldBe((ushort)1);
        heard[1].Marker.ShouldBeTrue();
        _phoneB.Count.ShouldBe(0);
    }

    [Fact]
    public void ASocketAlreadyReceivingIsTakenOverAndFreedAgainWhenTheRelayStops()
    {
        using var legC = Loopback.BindPair();
        using var phoneC = new Phone(legC.Rtp.LocalEndPoint);
        legC.Rtp.SetRemote(phoneC.EndPoint, SymmetricRtp.Off);
        legC.Rtp.StartReceiving(new Ignoring());

        _relay.Rebridge(RelaySide.B, legC.Rtp);
        phoneC.Send(0xC, 1, 160);
        Loopback.WaitUntil(() => _phoneA.Count >= 1, Patience).ShouldBeTrue();
        _relay.Stop();
        phoneC.Send(0xC, 2, 320);

        Loopback.WaitUntil(() => legC.Rtp.UnhandledDatagrams >= 1, Patience).ShouldBeTrue("the stopped relay let go of the socket");
        _phoneA.Count.ShouldBe(1);
    }

    public void Dispose()
    {
        _relay.Stop();
        _legA.Dispose();
        _legB.Dispose();
        _phoneA.Dispose();
        _phoneB.Dispose();
    }

    // Faster than 20 ms but in small bursts, so neither the relay's nor the phones' kernel buffers overflow.
    private static void Pace(int n)
    {
        if (n % 5 == 4)
        {
            Thread.Sleep(1);
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

    private static (uint Ssrc, ushort Sequence, uint Timestamp, bool Marker) Read(byte[] packet)
    {
        RtpHeader.TryRead(packet, out var header).ShouldBeTrue();
        return (header.Ssrc, header.SequenceNumber, header.Timestamp, header.Marker);
    }

    /// <summary>Stands for the leg that owned the socket before the relay.</summary>
    private sealed class Ignoring : IDatagramHandler
    {
        public void OnDatagram(MediaSocket socket, in ReceivedDatagram datagram)
        {
        }
    }
}
