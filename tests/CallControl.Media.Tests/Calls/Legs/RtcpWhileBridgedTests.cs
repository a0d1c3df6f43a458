using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class RtcpWhileBridgedTests : IDisposable
{
    private readonly BridgeHarness _harness = new();

    [Fact]
    public void TheSenderReportOfABridgedLegCountsTheRelayedPacketsItsPhoneReceived()
    {
        var listener = _harness.AddSide();
        var talker = _harness.AddSide();
        RtpLeg.Bridge(listener.Leg, talker.Leg);
        var payload = new byte[160];

        // A packet every 20 ms up to the report at five seconds.
        for (var n = 0; n < 249; n++)
        {
            _harness.Tick();
            talker.Say(BridgeSide.Packet(RtpLegRemote.Pcmu, (ushort)n, (uint)(160 * n), 0xB, payload));
        }

        _harness.Tick();
        var report = listener.ReceiveRtcp();

        listener.WaitUntilHeard(249);
        var heard = listener.Heard;
        new RtcpCompoundReader(report).TryReadNext(out var first).ShouldBeTrue();
        RtcpSenderReport.TryRead(first, out var senderReport).ShouldBeTrue();
        senderReport.Ssrc.ShouldBe(listener.Leg.Ssrc);
        senderReport.SenderInfo.PacketCount.ShouldBe((uint)heard.Count);
        senderReport.SenderInfo.OctetCount.ShouldBe((uint)heard.Sum(h => h.Payload.Length));
        heard.Select(h => h.Ssrc).Distinct().ShouldBe([senderReport.Ssrc]);
        // The report's RTP time is the stream's at the moment it is sent: one packet time after the last packet.
        senderReport.SenderInfo.RtpTimestamp.ShouldBe(heard[^1].Timestamp + 160);
        listener.Leg.Counters.Relayed.ShouldBe(249);
    }

    public void Dispose() => _harness.Dispose();
}
