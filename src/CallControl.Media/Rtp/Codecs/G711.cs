namespace CallControl.Media.Rtp.Codecs;

/// <summary>
/// ITU-T G.711 companding between 16-bit linear PCM and 8-bit μ-law (PCMU) or A-law (PCMA).
/// Every conversion is a table lookup: the tables are computed once from the companding rules, so the
/// per-packet path does no arithmetic beyond indexing and allocates nothing.
/// </summary>
public static class G711
{
    // μ-law works on a 14-bit magnitude offset by 33 (132 at 16-bit scale) so every segment starts on a power of two.
    private const int MuLawBias = 0x84;
    private const int MuLawClip = 32635;

    private static readonly byte[] _linearToMuLaw = BuildEncodeTable(EncodeMuLawSample);
    private static readonly byte[] _linearToALaw = BuildEncodeTable(EncodeALawSample);
    private static readonly short[] _muLawToLinear = BuildDecodeTable(DecodeMuLawSample);
    private static readonly short[] _aLawToLinear = BuildDecodeTable(DecodeALawSample);
    private static readonly byte[] _muLawToALaw = BuildTranscodeTable(_muLawToLinear, _linearToALaw);
    private static readonly byte[] _aLawToMuLaw = BuildTranscodeTable(_aLawToLinear, _linearToMuLaw);

    /// <summary>Encodes one sample to μ-law.</summary>
    public static byte EncodeMuLaw(short sample) => _linearToMuLaw[(ushort)sample];

    /// <summary>Encodes one sample to A-law.</summary>
    public static byte EncodeALaw(short sample) => _linearToALaw[(ushort)sample];

    /// <summary>Decodes one μ-law code to a 16-bit sample.</summary>
    public static short DecodeMuLaw(byte code) => _muLawToLinear[code];

    /// <summary>Decodes one A-law code to a 16-bit sample.</summary>
    public static short DecodeALaw(byte code) => _aLawToLinear[code];

    /// <summary>Encodes <paramref name="samples"/> into the first <c>samples.Length</c> bytes of <paramref name="codes"/>.</summary>
    public static void EncodeMuLaw(ReadOnlySpan<short> samples, Span<byte> codes) => Encode(_linearToMuLaw, samples, codes);

    /// <summary>Encodes <paramref name="samples"/> into the first <c>samples.Length</c> bytes of <paramref name="codes"/>.</summary>
    public static void EncodeALaw(ReadOnlySpan<short> samples, Span<byte> codes) => Encode(_linearToALaw, samples, codes);

    /// <summary>Decodes <paramref name="codes"/> into the first <c>codes.Length</c> samples of <paramref name="samples"/>.</summary>
    public static void DecodeMuLaw(ReadOnlySpan<byte> codes, Span<short> samples) => Decode(_muLawToLinear, codes, samples);

    /// <summary>Decodes <paramref name="codes"/> into the first <c>codes.Length</c> samples of <paramref name="samples"/>.</summary>
    public static void DecodeALaw(ReadOnlySpan<byte> codes, Span<short> samples) => Decode(_aLawToLinear, codes, samples);

    /// <summary>
    /// Rewrites μ-law codes as A-law without a linear buffer in between. <paramref name="source"/> and
    /// <paramref name="destination"/> may be the same span, so a packet can be transcoded in place.
    /// </summary>
    public static void MuLawToALaw(ReadOnlySpan<byte> source, Span<byte> destination) => Transcode(_muLawToALaw, source, destination);

    /// <summary>Rewrites A-law codes as μ-law; the spans may be the same, as for <see cref="MuLawToALaw"/>.</summary>
    public static void ALawToMuLaw(ReadOnlySpan<byte> source, Span<byte> destination) => Transcode(_aLawToMuLaw, source, destination);

    private static void Encode(byte[] table, ReadOnlySpan<short> samples, Span<byte> codes)
    {
        if (codes.Length < samples.Length)
        {
            throw new ArgumentException($"{samples.Length} samples need as many bytes; the destination has {codes.Length}.", nameof(codes));
        }

        for (var i = 0; i < samples.Length; i++)
        {
            codes[i] = table[(ushort)samples[i]];
        }
    }

    private static void Decode(short[] table, ReadOnlySpan<byte> codes, Span<short> samples)
    {
        if (samples.Length < codes.Length)
        {
            throw new ArgumentException($"{codes.Length} codes need as many samples; the destination has {samples.Length}.", nameof(samples));
        }

        for (var i = 0; i < codes.Length; i++)
        {
            samples[i] = table[codes[i]];
        }
    }

    private static void Transcode(byte[] table, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"{source.Length} codes need as many bytes; the destination has {destination.Length}.", nameof(destination));
        }

        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = table[source[i]];
        }
    }

    private static byte EncodeMuLawSample(short sample)
    {
        int value = sample;
        var sign = value < 0 ? 0x80 : 0x00;
        var magnitude = Math.Min(Math.Abs(value), MuLawClip) + MuLawBias;

        // The segment is the position of the leading one above bit 7 (the bias guarantees bit 7 at least).
        var exponent = 7;
        while (exponent > 0 && (magnitude & (0x4000 >> (7 - exponent))) == 0)
        {
            exponent--;
        }

        var mantissa = (magnitude >> (exponent + 3)) & 0x0F;

        // μ-law sends every bit inverted.
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    private static short DecodeMuLawSample(byte code)
    {
        var bits = ~code & 0xFF;
        var exponent = (bits >> 4) & 0x07;
        var mantissa = bits & 0x0F;

        // Reconstruct the middle of the quantization interval, then take the bias back off.
        var magnitude = (((mantissa << 3) + MuLawBias) << exponent) - MuLawBias;
        return (short)((bits & 0x80) != 0 ? -magnitude : magnitude);
    }

    private static byte EncodeALawSample(short sample)
    {
        int value = sample;

        // A-law marks positive values with the sign bit set; negatives are one's-complemented so -32768 fits.
        var sign = value >= 0 ? 0x80 : 0x00;
        var magnitude = (value >= 0 ? value : ~value) >> 3;

        int exponent;
        int mantissa;
        if (magnitude < 32)
        {
            exponent = 0;
            mantissa = magnitude >> 1;
        }
        else
        {
            exponent = 1;
            while (magnitude >= (64 << (exponent - 1)))
            {
                exponent++;
            }

            mantissa = (magnitude >> exponent) & 0x0F;
        }

        // A-law inverts the even bits on the line.
        return (byte)((sign | (exponent << 4) | mantissa) ^ 0x55);
    }

    private static short DecodeALawSample(byte code)
    {
        var bits = code ^ 0x55;
        var exponent = (bits >> 4) & 0x07;
        var mantissa = bits & 0x0F;

        // At 16-bit scale: the mantissa, the implicit leading one above segment 0, and half a step for the interval middle.
        var magnitude = exponent == 0
            ? (mantissa << 4) + 8
            : ((mantissa << 4) + 0x108) << (exponent - 1);
        return (short)((bits & 0x80) != 0 ? magnitude : -magnitude);
    }

    private static byte[] BuildEncodeTable(Func<short, byte> encode)
    {
        var table = new byte[65536];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = encode((short)i);
        }

        return table;
    }

    private static short[] BuildDecodeTable(Func<byte, short> decode)
    {
        var table = new short[256];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = decode((byte)i);
        }

        return table;
    }

    private static byte[] BuildTranscodeTable(short[] decode, byte[] encode)
    {
        var table = new byte[256];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = encode[(ushort)decode[i]];
        }

        return table;
    }
}
