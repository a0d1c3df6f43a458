using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Dtmf;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class DigitSendingTests : IDisposable
{
    // Not the 101 most offers use, so a leg that ignored the negotiation would show.
    private const byte TelephoneEvent = 96;
    private readonly BridgeHarness _harness = new();
    private readonly BridgeSide _sender;
    private readonly BridgeSide _peer;
    private readonly List<(string Digits, TimeSpan At)> _sent = [];
    private ushort _peerSequence;

    public DigitSendingTests()
    {
        _sender = _harness.AddSide(telephoneEvent: TelephoneEvent);
        _peer = _harness.AddSide();
        RtpLeg.Bridge(_sender.Leg, _peer.Leg);
        _sender.Leg.DigitsSent += digits => _sent.Add((digits, _harness.Now));
    }

    [Fact]
    public void ADigitGoesOutAsRfc4733EventsInPlaceOfRelayedAudioAndThenDigitsSentIsRaised()
    {
        PeerSpeaksEachTick(5);

        _sender.Leg.SendDigits("7", _harness.NextTick).ShouldBeTrue();
        for (var n = 0; n < 7; n++)
        {
            _harness.Tick();
            if (n < 6)
            {
                _sent.ShouldBeEmpty();
                PeerSpeaks();
            }
        }

        _sent.ShouldBe([("7", _harness.Now)]);
        PeerSpeaksEachTick(3);

        _sender.WaitUntilHeard(15);
        var heard = _sender.Heard;
        heard.Count.ShouldBe(15);
        heard.Select(h => h.Ssrc).Distinct().ShouldBe([_sender.Leg.Ssrc]);
        heard.Select((h, n) => (ushort)(heard[n].Sequence - heard[0].Sequence) == n).ShouldAllBe(contiguous => contiguous);
        heard.Select((h, n) => h.Marker == (n is 0 or 5 or 12)).ShouldAllBe(expected => expected);
        heard.Take(5).Concat(heard.Skip(12)).ShouldAllBe(h => h.PayloadType == RtpLegRemote.Pcmu);

        var events = heard.Skip(5).Take(7).ToList();
        events.ShouldAllBe(h => h.PayloadType == TelephoneEvent);
        events.Select(h => h.Timestamp).Distinct().ShouldBe([heard[0].Timestamp + (5 * 160u)]);
        var blocks = events.Select(h => DtmfEvent.TryRead(h.Payload, out var block) ? block : default).ToList();
        blocks.ShouldAllBe(block => block.Key == '7');
        blocks.Select(block => block.End).ShouldBe([false, false, false, false, true, true, true]);
        blocks.Select(block => (int)block.Duration).ShouldBe([160, 320, 480, 640, 800, 800, 800]);

        // Audio goes on where the clock is, after the digit's end rather than inside it.
        heard[12].Timestamp.ShouldBe(heard[0].Timestamp + (12 * 160u));
        _sender.Leg.Counters.ShouldBe(new RtpLegCounters(Received: 0, Dropped: 0, Muted: 0, Relayed: 8, Generated: 7, NotSent: 6));
    }

    [Fact]
    public void DigitsAreRefusedWhileOthersAreStillGoingOutAndOnALegWithoutTelephoneEvent()
    {
        var withoutEvents = _harness.AddSide(telephoneEvent: null);

        _sender.Leg.SendDigits("12", _harness.NextTick).ShouldBeTrue();
        _sender.Leg.SendDigits("3", _harness.NextTick).ShouldBeFalse();
        withoutEvents.Leg.SendDigits("3", _harness.NextTick).ShouldBeFalse();
        _harness.Tick(20);

        // The second digit starts 200 ms after the first, and its last end packet goes 120 ms after that.
        _sent.ShouldBe([("12", 17 * LegHarness.PacketTime)]);
        _sender.WaitUntilHeard(14);
        _sender.Heard.Select(h => DtmfEvent.TryRead(h.Payload, out var block) ? block.Key : '?').ShouldBe([.. "11111112222222"]);
        withoutEvents.Phone.Count.ShouldBe(0);
        withoutEvents.Leg.Counters.Generated.ShouldBe(0);
    }

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void MusicAfterDigitsStartsANewTalkspurtWithTheMarker()
    {
        _sender.Leg.PlayToFarEnd(Media.Audio.ToneGenerator.MusicOnHold());
        _harness.Tick(3);
        _sender.Leg.SendDigits("1", _harness.NextTick).ShouldBeTrue();
        _harness.Tick(10);

        _sender.WaitUntilHeard(13);
        var heard = _sender.Heard;
        var firstMusicAfter = heard.Select((h, n) => (h, n)).Skip(3).First(x => x.h.PayloadType == RtpLegRemote.Pcmu);
        firstMusicAfter.h.Marker.ShouldBeTrue("the first frame after the digit starts a talkspurt");
        heard.Skip(firstMusicAfter.n + 1).Where(h => h.PayloadType == RtpLegRemote.Pcmu).ShouldAllBe(h => !h.Marker);
    }

    private void PeerSpeaksEachTick(int ticks)
    {
        for (var n = 0; n < ticks; n++)
        {
            _harness.Tick();
            PeerSpeaks();
        }
    }

    private void PeerSpeaks()
    {
        _peer.Say(BridgeSide.Packet(RtpLegRemote.Pcmu, _peerSequence, 160u * _peerSequence, 0xB, new byte[160]));
        _peerSequence++;
    }
}
