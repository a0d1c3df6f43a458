using CallControl.Media.Rtp.Codecs;

namespace CallControl.Media.Tests.Rtp.Codecs;

public sealed class G711Tests
{
    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    public void MuLawCodePointsDecodeToTheirLinearValue(int code, int expected)
    {
        G711.DecodeMuLaw((byte)code).ShouldBe((short)expected);
    }

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    public void ALawCodePointsDecodeToTheirLinearValue(int code, int expected)
    {
        G711.DecodeALaw((byte)code).ShouldBe((short)expected);
    }

    [Fact]
    public void SilenceEncodesToTheIdleCodes()
    {
        G711.EncodeMuLaw(0).ShouldBe((byte)0xFF);
        G711.EncodeALaw(0).ShouldBe((byte)0xD5);
    }

    [Fact]
    public void MuLawRoundTripErrorStaysWithinHalfAQuantizationStep()
    {
        // Above the clip level μ-law saturates, so the step bound only holds inside it.
        for (var x = -32635; x <= 32635; x++)
        {
            var decoded = G711.DecodeMuLaw(G711.EncodeMuLaw((short)x));
            var halfStep = (Math.Abs(x) + 132) / 32.0;
            ((double)Math.Abs(decoded - x)).ShouldBeLessThanOrEqualTo(halfStep, $"sample {x}");
        }
    }

    [Fact]
    public void ALawRoundTripErrorStaysWithinHalfAQuantizationStep()
    {
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var decoded = G711.DecodeALaw(G711.EncodeALaw((short)x));
            var halfStep = Math.Max(8, Math.Abs(x) / 32.0);
            ((double)Math.Abs(decoded - x)).ShouldBeLessThanOrEqualTo(halfStep, $"sample {x}");
        }
    }

    [Fact]
    public void DecodedOutputNeverDecreasesAsTheInputGrows()
    {
        short previousMu = short.MinValue;
        short previousA = short.MinValue;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            var mu = G711.DecodeMuLaw(G711.EncodeMuLaw((short)x));
            var a = G711.DecodeALaw(G711.EncodeALaw((short)x));
            mu.ShouldBeGreaterThanOrEqualTo(previousMu, $"μ-law at {x}");
            a.ShouldBeGreaterThanOrEqualTo(previousA, $"A-law at {x}");
            previousMu = mu;
            previousA = a;
        }
    }

    [Fact]
    public void EveryCodeSurvivesDecodeThenEncode()
    {
        for (var code = 0; code < 256; code++)
        {
            var mu = G711.EncodeMuLaw(G711.DecodeMuLaw((byte)code));
            var a = G711.EncodeALaw(G711.DecodeALaw((byte)code));

            // 0x7F is μ-law's negative zero: it decodes to 0, which encodes as the positive zero 0xFF.
            mu.ShouldBe(code == 0x7F ? (byte)0xFF : (byte)code);
            a.ShouldBe((byte)code);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ASineSurvivesARoundTripWithMoreThan35DecibelsSignalToNoise(bool muLaw)
    {
        var samples = new short[8000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)Math.Round(16000 * Math.Sin(2 * Math.PI * 1004 * i / 8000.0));
        }

        var codes = new byte[samples.Length];
        var decoded = new short[samples.Length];
        if (muLaw)
        {
            G711.EncodeMuLaw(samples, codes);
            G711.DecodeMuLaw(codes, decoded);
        }
        else
        {
            G711.EncodeALaw(samples, codes);
            G711.DecodeALaw(codes, decoded);
        }

        double signal = 0;
        double noise = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            signal += (double)samples[i] * samples[i];
            noise += (double)(decoded[i] - samples[i]) * (decoded[i] - samples[i]);
        }

        (10 * Math.Log10(signal / noise)).ShouldBeGreaterThan(35);
    }

    [Fact]
    public void TranscodingMatchesDecodingThenEncodingInTheOtherLaw()
    {
        for (var code = 0; code < 256; code++)
        {
            Span<byte> one = [(byte)code];
            G711.MuLawToALaw(one, one);
            one[0].ShouldBe(G711.EncodeALaw(G711.DecodeMuLaw((byte)code)));

            one[0] = (byte)code;
            G711.ALawToMuLaw(one, one);
            one[0].ShouldBe(G711.EncodeMuLaw(G711.DecodeALaw((byte)code)));
        }
    }

    [Fact]
    public void TranscodingKeepsAToneAudible()
    {
        var samples = new short[160];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 400 * i / 8000.0));
        }

        var mu = new byte[160];
        var a = new byte[160];
        var back = new short[160];
        G711.EncodeMuLaw(samples, mu);
        G711.MuLawToALaw(mu, a);
        G711.DecodeALaw(a, back);

        for (var i = 0; i < samples.Length; i++)
        {
            Math.Abs(back[i] - samples[i]).ShouldBeLessThanOrEqualTo(Math.Max(16, Math.Abs(samples[i]) / 12));
        }
    }

    [Fact]
    public void AShortDestinationIsRefused()
    {
        Should.Throw<ArgumentException>(() => G711.EncodeMuLaw(new short[160], new byte[80]));
    }
}
