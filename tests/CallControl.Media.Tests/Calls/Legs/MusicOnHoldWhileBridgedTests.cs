using CallControl.Media.Audio;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Codecs;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class MusicOnHoldWhileBridgedTests : IDisposable
{
    private const byte PeerFill = 0x5A;
    private readonly BridgeHarness _harness = new();
    private readonly BridgeSide _held;
    private readonly BridgeSide _peer;
    private ushort _peerSequence;

    public MusicOnHoldWhileBridgedTests()
    {
        _held = _harness.AddSide();
        _peer = _harness.AddSide();
        RtpLeg.Bridge(_held.Leg, _peer.Leg);
    }

    [Fact]
    public void MusicAndBackIsOneStreamTowardsThePhoneWithTheMarkerAtEachSwitchAndTimestampsOnTheClock()
    {
        // Every tick the peer's phone says one frame; the held phone hears it, then music, then it again.
        PeerSpeaksEachTick(10);
        _held.Leg.PlayToFarEnd(ToneGenerator.MusicOnHold());
        PeerSpeaksEachTick(10);
        _held.Leg.RelayToFarEnd();
        PeerSpeaksEachTick(10);

        _held.WaitUntilHeard(30);
        var heard = _held.Heard;
        heard.Count.ShouldBe(30);
        heard.Select(h => h.Ssrc).Distinct().ShouldBe([_held.Leg.Ssrc]);
        for (var n = 0; n < heard.Count; n++)
        {
            ((ushort)(heard[n].Sequence - heard[0].Sequence)).ShouldBe((ushort)n, $"packet {n}");
            (heard[n].Timestamp - heard[0].Timestamp).ShouldBe(160u * (uint)n, $"packet {n}");
            heard[n].Marker.ShouldBe(n is 0 or 10 or 20, $"packet {n}");
        }

        heard.Take(10).Concat(heard.Skip(20)).ShouldAllBe(h => h.Payload.All(b => b == PeerFill));
        var music = ToneGenerator.MusicOnHold();
        var frame = new short[AudioFormat.FrameSamples];
        var expected = new byte[AudioFormat.FrameSamples];
        foreach (var packet in heard.Skip(10).Take(10))
        {
            music.Read(frame);
            G711.EncodeMuLaw(frame, expected);
            packet.Payload.ShouldBe(expected);
        }

        _held.Leg.Counters.ShouldBe(new RtpLegCounters(Received: 0, Dropped: 0, Muted: 0, Relayed: 20, Generated: 10, NotSent: 10));
    }

    public void Dispose() => _harness.Dispose();

    private void PeerSpeaksEachTick(int ticks)
    {
        var payload = new byte[160];
        payload.AsSpan().Fill(PeerFill);
        for (var n = 0; n < ticks; n++)
        {
            _harness.Tick();
            _peer.Say(BridgeSide.Packet(RtpLegRemote.Pcmu, _peerSequence, 160u * _peerSequence, 0xB, payload));
            _peerSequence++;
        }
    }
}
