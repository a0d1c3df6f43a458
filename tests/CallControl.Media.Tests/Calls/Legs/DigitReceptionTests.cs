using System.Collections.Concurrent;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Dtmf;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class DigitReceptionTests : IDisposable
{
    private const uint PhoneSsrc = 0xD7;
    private readonly BridgeHarness _harness = new();
    private readonly BridgeSide _phone;
    private readonly ConcurrentQueue<DtmfDigit> _digits = new();
    private ushort _sequence;

    public DigitReceptionTests()
    {
        _phone = _harness.AddSide(telephoneEvent: 101);
        // Bridged, so that waiting for the relay of each packet also waits for the digit it may complete.
        RtpLeg.Bridge(_phone.Leg, _harness.AddSide().Leg);
        _phone.Leg.DigitReceived += _digits.Enqueue;
    }

    [Fact]
    public void EachDigitSentWithThreeEndPacketsIsReportedOnceWhenItsFirstEndPacketArrives()
    {
        SendDigit('1', 16_000, ends: 3, afterEachPacket: end => _digits.Count.ShouldBe(end ? 1 : 0));
        SendDigit('#', 17_600, ends: 3, afterEachPacket: end => _digits.Count.ShouldBe(end ? 2 : 1));

        _digits.ShouldBe([new DtmfDigit('1', PhoneSsrc, 16_000, 800, EndSeen: true), new DtmfDigit('#', PhoneSsrc, 17_600, 800, EndSeen: true)]);
    }

    [Fact]
    public void ADigitWhoseEndPacketsAreAllLostIsReportedByTheTicksOnceItHasBeenSilentFor250Milliseconds()
    {
        SendDigit('9', 16_000, ends: 0, afterEachPacket: _ => _digits.ShouldBeEmpty());

        _harness.Tick(12);
        _digits.ShouldBeEmpty();
        _harness.Tick();

        _digits.ShouldBe([new DtmfDigit('9', PhoneSsrc, 16_000, 640, EndSeen: false)]);
        _harness.Tick(20);
        _digits.Count.ShouldBe(1);
    }

    public void Dispose() => _harness.Dispose();

    /// <summary>
    /// The four updates of a 100 ms key press, then <paramref name="ends"/> end packets; after each packet
    /// has been handled, <paramref name="afterEachPacket"/> is told whether it was an end packet.
    /// </summary>
    private void SendDigit(char key, uint timestamp, int ends, Action<bool> afterEachPacket)
    {
        DtmfEvent.TryGetCode(key, out var code).ShouldBeTrue();
        var payload = new byte[DtmfEvent.Size];
        for (var n = 0; n < 4 + ends; n++)
        {
            var end = n >= 4;
            new DtmfEvent(code, end, 10, (ushort)(end ? 800 : 160 * (n + 1))).WriteTo(payload);
            _phone.Say(BridgeSide.Packet(101, _sequence++, timestamp, PhoneSsrc, payload, marker: n == 0));
            afterEachPacket(end);
        }
    }
}
