using CallControl.Media.Audio;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Packets;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class RtcpReportingTests
{
    private const uint PhoneSsrc = 0x1234_5678;

    [Fact]
    public void EveryFiveSecondsOfTicksTheLegSendsAnSrWhileSendingAndAnRrWhenSilentThenByeOnClose()
    {
        using var harness = LegHarness.WithVirtualClock();
        var start = harness.Clock.GetUtcNow();
        for (var n = 0; n < 10; n++)
        {
            harness.SendFromPhone((ushort)(500 + n), (uint)(160 * n), PhoneSsrc);
        }

        Loopback.WaitUntil(() => harness.Leg.QualityAtEnd().PacketsReceived == 9, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        harness.Leg.PlayToFarEnd(ToneGenerator.MusicOnHold());

        harness.Tick(249);
        harness.PhoneRtcp.Available.ShouldBe(0);
        harness.Tick();
        var senderCompound = harness.ReceiveRtcp();
        harness.Leg.PlayToFarEnd(null);
        harness.Tick(250);
        var receiverCompound = harness.ReceiveRtcp();
        harness.Leg.Dispose();
        var goodbyeCompound = harness.ReceiveRtcp();

        RtcpCompoundReader.IsValid(senderCompound).ShouldBeTrue();
        var reader = new RtcpCompoundReader(senderCompound);
        reader.TryReadNext(out var packet).ShouldBeTrue();
        RtcpSenderReport.TryRead(packet, out var senderReport).ShouldBeTrue();
        senderReport.Ssrc.ShouldBe(harness.Leg.Ssrc);
        senderReport.SenderInfo.PacketCount.ShouldBe(250u);
        senderReport.SenderInfo.OctetCount.ShouldBe(250u * 160);
        senderReport.SenderInfo.NtpTimestamp.ShouldBe(NtpTimestamp.FromDateTimeOffset(start + TimeSpan.FromSeconds(5)));
        senderReport.ReportCount.ShouldBe(1);
        var block = senderReport.GetReportBlock(0);
        block.Ssrc.ShouldBe(PhoneSsrc);
        block.ExtendedHighestSequence.ShouldBe(509u);
        block.CumulativeLost.ShouldBe(0);
        reader.TryReadNext(out packet).ShouldBeTrue();
        RtcpSourceDescription.TryRead(packet, out var description).ShouldBeTrue();
        description.TryGetCanonicalName(out var cnameSsrc, out _).ShouldBeTrue();
        cnameSsrc.ShouldBe(harness.Leg.Ssrc);

        RtcpCompoundReader.IsValid(receiverCompound).ShouldBeTrue();
        reader = new RtcpCompoundReader(receiverCompound);
        reader.TryReadNext(out packet).ShouldBeTrue();
        RtcpReceiverReport.TryRead(packet, out var receiverReport).ShouldBeTrue();
        receiverReport.Ssrc.ShouldBe(harness.Leg.Ssrc);
        receiverReport.GetReportBlock(0).Ssrc.ShouldBe(PhoneSsrc);

        RtcpCompoundReader.IsValid(goodbyeCompound).ShouldBeTrue();
        reader = new RtcpCompoundReader(goodbyeCompound);
        RtcpGoodbye goodbye = default;
        var sawGoodbye = false;
        while (reader.TryReadNext(out packet))
        {
            sawGoodbye |= RtcpGoodbye.TryRead(packet, out goodbye);
        }

        sawGoodbye.ShouldBeTrue();
        goodbye.SourceCount.ShouldBe(1);
        goodbye.GetSource(0).ShouldBe(harness.Leg.Ssrc);
    }

    [Fact]
    public void TheReportIntervalIsConfigurable()
    {
        using var harness = LegHarness.WithVirtualClock(new RtpLegOptions(ReportInterval: TimeSpan.FromSeconds(1)));

        harness.Tick(50);

        RtcpCompoundReader.IsValid(harness.ReceiveRtcp()).ShouldBeTrue();
    }

    [Fact]
    public void AnRrFromThePhoneEchoingOurSrGivesTheRoundTripTime()
    {
        using var harness = LegHarness.WithVirtualClock();
        harness.Leg.PlayToFarEnd(ToneGenerator.MusicOnHold());
        harness.Tick(250);
        var sentAt = NtpTimestamp.FromDateTimeOffset(harness.Clock.GetUtcNow());
        harness.ReceiveRtcp();
        harness.Clock.Advance(TimeSpan.FromMilliseconds(300));

        // The phone held our SR for 100 ms, so the network took the other 200 ms.
        var report = new byte[64];
        var length = RtcpWriter.WriteReceiverReport(
            report,
            PhoneSsrc,
            [new RtcpReportBlock(harness.Leg.Ssrc, 0, 0, 0, 0, sentAt.Middle32, 65536 / 10)]);
        length += RtcpWriter.WriteSourceDescription(report.AsSpan(length), PhoneSsrc, "phone");
        harness.PhoneRtcp.SendTo(report.AsSpan(0, length), System.Net.Sockets.SocketFlags.None, harness.Leg.Sockets.Rtcp.LocalEndPoint);

        Loopback.WaitUntil(() => harness.Leg.QualityAtEnd().RoundTripMilliseconds is not null, TimeSpan.FromSeconds(10)).ShouldBeTrue();
        harness.Leg.QualityAtEnd().RoundTripMilliseconds!.Value.ShouldBe(200, tolerance: 1);
    }
}
