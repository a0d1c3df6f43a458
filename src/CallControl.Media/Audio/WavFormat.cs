namespace CallControl.Media.Audio;

/// <summary>The audio format declared by a WAV file's fmt chunk.</summary>
public readonly record struct WavFormat(ushort FormatTag, ushort Channels, int SampleRate, ushort BitsPerSample)
{
    /// <summary>Linear PCM.</summary>
    public const ushort Pcm = 1;

    /// <summary>G.711 A-law.</summary>
    public const ushort ALaw = 6;

    /// <summary>G.711 μ-law.</summary>
    public const ushort MuLaw = 7;

    /// <summary>The tag that defers the real format to a sub-format GUID.</summary>
    public const ushort Extensible = 0xFFFE;

    /// <inheritdoc />
    public override string ToString()
    {
        var encoding = FormatTag switch
        {
            Pcm => "PCM",
            ALaw => "A-law",
            MuLaw => "μ-law",
            _ => $"format 0x{FormatTag:X4}",
        };
        return $"{encoding}, {BitsPerSample}-bit, {Channels} channel(s), {SampleRate} Hz";
    }
}
