using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Dtmf;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class TelephoneEventRelayTests : IDisposable
{
    private readonly BridgeHarness _harness = new();

    [Fact]
    public void ATelephoneEventIsRelayedWithThePayloadTypeTheOtherPhoneNegotiated()
    {
        var a = _harness.AddSide(telephoneEvent: 101);
        var b = _harness.AddSide(telephoneEvent: 96);
        RtpLeg.Bridge(a.Leg, b.Leg);
        var payload = Event('5', end: false, 320);

        a.Say(BridgeSide.Packet(101, 7, 8_000, 0xA, payload, marker: true));

        b.WaitUntilHeard(1);
        var heard = b.Heard.Single();
        heard.PayloadType.ShouldBe((byte)96);
        heard.Payload.ShouldBe(payload);
        heard.Marker.ShouldBeTrue();
        b.Leg.Counters.Relayed.ShouldBe(1);
    }

    [Fact]
    public void ATelephoneEventIsNotSentToAPhoneThatDidNotNegotiateTelephoneEventAndIsCountedAsNotSent()
    {
        var a = _harness.AddSide(telephoneEvent: 101);
        var b = _harness.AddSide(telephoneEvent: null);
        RtpLeg.Bridge(a.Leg, b.Leg);

        a.Say(BridgeSide.Packet(101, 7, 8_000, 0xA, Event('5', end: true, 800)));
        a.Say(BridgeSide.Packet(RtpLegRemote.Pcmu, 8, 8_960, 0xA, new byte[160]));

        // Both left leg A's socket in that order, so an event sent would have arrived first.
        b.WaitUntilHeard(1);
        b.Heard.Single().PayloadType.ShouldBe(RtpLegRemote.Pcmu);
        b.Leg.Counters.NotSent.ShouldBe(1);
        b.Leg.Counters.Relayed.ShouldBe(1);
    }

    public void Dispose() => _harness.Dispose();

    private static byte[] Event(char key, bool end, ushort duration)
    {
        DtmfEvent.TryGetCode(key, out var code).ShouldBeTrue();
        var payload = new byte[DtmfEvent.Size];
        new DtmfEvent(code, end, 10, duration).WriteTo(payload);
        return payload;
    }
}
