using CallControl.Media.Audio;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Codecs;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class HoldMusicPlaybackTests
{
    [Fact]
    public void ALegPlayingTheHoldToneSendsOnePcmuFramePerTickWithContiguousSequenceAndTimestamps()
    {
        using var harness = LegHarness.WithVirtualClock();
        harness.Leg.PlayToFarEnd(ToneGenerator.MusicOnHold());
        var expectedTone = ToneGenerator.MusicOnHold();
        var frame = new short[AudioFormat.FrameSamples];
        var expectedPayload = new byte[AudioFormat.FrameSamples];

        harness.Tick(50);

        var packets = Enumerable.Range(0, 50).Select(_ => harness.ReceiveRtp()).ToList();
        RtpHeader.TryRead(packets[0], out var first).ShouldBeTrue();
        var firstSequence = first.SequenceNumber;
        var firstTimestamp = first.Timestamp;
        for (var n = 0; n < packets.Count; n++)
        {
            RtpHeader.TryRead(packets[n], out var header).ShouldBeTrue();
            header.Ssrc.ShouldBe(harness.Leg.Ssrc);
            header.PayloadType.ShouldBe(RtpLegRemote.Pcmu);
            header.SequenceNumber.ShouldBe((ushort)(firstSequence + n));
            header.Timestamp.ShouldBe(firstTimestamp + (uint)(160 * n));
            header.Marker.ShouldBe(n == 0);
            expectedTone.Read(frame);
            G711.EncodeMuLaw(frame, expectedPayload);
            header.Payload.ToArray().ShouldBe(expectedPayload);
        }
    }

    [Fact]
    public void SilenceSendsNoRtpAndTheNextToneStartsWithAMarkerAndATimestampThatKeptRunning()
    {
        using var harness = LegHarness.WithVirtualClock();
        harness.Leg.PlayToFarEnd(ToneGenerator.MusicOnHold());
        harness.Tick();
        RtpHeader.TryRead(harness.ReceiveRtp(), out var before).ShouldBeTrue();
        var beforeTimestamp = before.Timestamp;
        var beforeSequence = before.SequenceNumber;

        harness.Leg.PlayToFarEnd(null);
        harness.Tick(10);
        harness.Leg.PlayToFarEnd(ToneGenerator.MusicOnHold());
        harness.Tick();

        RtpHeader.TryRead(harness.ReceiveRtp(), out var after).ShouldBeTrue();
        after.SequenceNumber.ShouldBe((ushort)(beforeSequence + 1));
        after.Timestamp.ShouldBe(beforeTimestamp + (11 * 160u));
        after.Marker.ShouldBeTrue();
    }
}
