using CallControl.Media.Audio;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class FarEndNotReceivingTests : IDisposable
{
    private readonly BridgeHarness _harness = new();
    private readonly BridgeSide _holding;
    private readonly BridgeSide _peer;

    public FarEndNotReceivingTests()
    {
        _holding = _harness.AddSide();
        _peer = _harness.AddSide();
        RtpLeg.Bridge(_holding.Leg, _peer.Leg);
        // The far end put us on hold (a=sendonly or a=inactive in its SDP).
        _holding.Leg.SetRemote(_holding.Leg.Remote! with { SendToFarEnd = false });
    }

    [Fact]
    public void ALegWhoseFarEndWantsNoMediaSendsItNoRtpWhetherRelayedMusicOrDigitsButStillReports()
    {
        var silence = new byte[160];
        for (var n = 0; n < 3; n++)
        {
            _harness.Tick();
            _peer.Say(BridgeSide.Packet(RtpLegRemote.Pcmu, (ushort)n, (uint)(160 * n), 0xB, silence));
        }

        _holding.Leg.PlayToFarEnd(ToneGenerator.MusicOnHold());
        _harness.Tick(10);
        _holding.Leg.SendDigits("1", _harness.NextTick).ShouldBeFalse("digits are refused while the far end takes no media");
        // Up to the first report, five seconds in.
        _harness.Tick(237);

        var report = _holding.ReceiveRtcp();
        new RtcpCompoundReader(report).TryReadNext(out var first).ShouldBeTrue();
        RtcpReceiverReport.TryRead(first, out var receiverReport).ShouldBeTrue("with nothing sent the report is an RR");
        receiverReport.Ssrc.ShouldBe(_holding.Leg.Ssrc);
        _holding.Leg.Counters.ShouldBe(new RtpLegCounters(Received: 0, Dropped: 0, Muted: 0, Relayed: 0, Generated: 0, NotSent: 3));

        // Off hold: the next relayed packet is the first the phone ever gets.
        _holding.Leg.SetRemote(_holding.Leg.Remote! with { SendToFarEnd = true });
        _holding.Leg.RelayToFarEnd();
        _peer.Say(BridgeSide.Packet(RtpLegRemote.Pcmu, 3, 480, 0xB, silence));
        _holding.WaitUntilHeard(1);
        var heard = _holding.Heard.Single();
        heard.Ssrc.ShouldBe(_holding.Leg.Ssrc);
        heard.Marker.ShouldBeTrue();
    }

    public void Dispose() => _harness.Dispose();
}
