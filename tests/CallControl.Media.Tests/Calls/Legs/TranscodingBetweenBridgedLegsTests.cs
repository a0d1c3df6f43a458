using CallControl.Media.Audio;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Rtp.Codecs;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Calls.Legs;

public sealed class TranscodingBetweenBridgedLegsTests : IDisposable
{
    private const int Frames = 10;
    private readonly BridgeHarness _harness = new();
    private readonly BridgeSide _muLaw;
    private readonly BridgeSide _aLaw;

    public TranscodingBetweenBridgedLegsTests()
    {
        _muLaw = _harness.AddSide(RtpLegRemote.Pcmu);
        _aLaw = _harness.AddSide(RtpLegRemote.Pcma);
        RtpLeg.Bridge(_muLaw.Leg, _aLaw.Leg);
    }

    [Fact]
    public void AMuLawPhoneAndAnALawPhoneEachHearTheOthersAudioInTheirOwnLawWithinTheCodecsQuantisation()
    {
        var fromMuLaw = new List<byte[]>();
        var fromALaw = new List<byte[]>();
        var muLawTone = new ToneGenerator([new ToneStep(440, TimeSpan.FromSeconds(1))], 0.5);
        var aLawTone = new ToneGenerator([new ToneStep(1000, TimeSpan.FromSeconds(1))], 0.5);
        var frame = new short[AudioFormat.FrameSamples];
        for (var n = 0; n < Frames; n++)
        {
            muLawTone.Read(frame);
            var muLaw = new byte[frame.Length];
            G711.EncodeMuLaw(frame, muLaw);
            fromMuLaw.Add(muLaw);
            _muLaw.Say(BridgeSide.Packet(RtpLegRemote.Pcmu, (ushort)n, (uint)(160 * n), 0x11, muLaw));

            aLawTone.Read(frame);
            var aLaw = new byte[frame.Length];
            G711.EncodeALaw(frame, aLaw);
            fromALaw.Add(aLaw);
            _aLaw.Say(BridgeSide.Packet(RtpLegRemote.Pcma, (ushort)n, (uint)(160 * n), 0x22, aLaw));
        }

        _aLaw.WaitUntilHeard(Frames);
        _muLaw.WaitUntilHeard(Frames);
        var heardByALaw = _aLaw.Heard;
        var heardByMuLaw = _muLaw.Heard;
        heardByALaw.ShouldAllBe(h => h.PayloadType == RtpLegRemote.Pcma);
        heardByMuLaw.ShouldAllBe(h => h.PayloadType == RtpLegRemote.Pcmu);
        for (var n = 0; n < Frames; n++)
        {
            AssertSameAudio(Decode(fromMuLaw[n], G711.DecodeMuLaw), Decode(heardByALaw[n].Payload, G711.DecodeALaw));
            AssertSameAudio(Decode(fromALaw[n], G711.DecodeALaw), Decode(heardByMuLaw[n].Payload, G711.DecodeMuLaw));
        }
    }

    [Fact]
    public void APaddedPacketIsTranscodedWithoutTouchingItsPadding()
    {
        var samples = new short[AudioFormat.FrameSamples];
        new ToneGenerator([new ToneStep(440, TimeSpan.FromSeconds(1))], 0.5).Read(samples);
        var muLaw = new byte[samples.Length];
        G711.EncodeMuLaw(samples, muLaw);
        // Four octets of padding (RFC 3550 §5.1), the last one counting them, as an encrypting sender might add.
        var packet = BridgeSide.Packet(RtpLegRemote.Pcmu, 1, 160, 0x11, [.. muLaw, 0, 0, 0, 4]);
        packet[0] |= 0x20;

        _muLaw.Say(packet);

        _aLaw.WaitUntilHeard(1);
        var received = _aLaw.Phone.Received.Single();
        RtpHeader.TryRead(received, out var header).ShouldBeTrue();
        header.PayloadType.ShouldBe(RtpLegRemote.Pcma);
        header.PaddingLength.ShouldBe(4);
        AssertSameAudio(Decode(muLaw, G711.DecodeMuLaw), Decode(header.Payload.ToArray(), G711.DecodeALaw));
    }

    public void Dispose() => _harness.Dispose();

    private static short[] Decode(byte[] codes, G711Decoder decode)
    {
        var samples = new short[codes.Length];
        decode(codes, samples);
        return samples;
    }

    /// <summary>
    /// Transcoding decodes one law and re-encodes in the other, so a sample may move by half a quantisation step
    /// of the destination law. One whole step is allowed: 16 near zero (at 16-bit scale), a sixteenth of the
    /// magnitude further up. Codes of the wrong law would be off by thousands.
    /// </summary>
    private static void AssertSameAudio(short[] sent, short[] heard)
    {
        heard.Length.ShouldBe(sent.Length);
        for (var i = 0; i < sent.Length; i++)
        {
            var tolerance = Math.Max(16, Math.Abs(sent[i]) / 16);
            Math.Abs(heard[i] - sent[i]).ShouldBeLessThanOrEqualTo(tolerance, $"sample {i}: sent {sent[i]}, heard {heard[i]}");
        }
    }

    private delegate void G711Decoder(ReadOnlySpan<byte> codes, Span<short> samples);
}
