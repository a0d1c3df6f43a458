using System.Buffers.Binary;
using CallControl.Media.Audio;
using CallControl.Media.Rtp.Codecs;

namespace CallControl.Bench.Rtp;

/// <summary>The audio the benchmark's calls carry: a steady tone, G.711 μ-law at 8 kHz.</summary>
public static class Tone
{
    private const double Frequency = 425;
    private const double Amplitude = 0.25;
    private const int WavHeaderLength = 44;

    /// <summary><paramref name="length"/> of the tone as μ-law bytes, one per sample.</summary>
    public static byte[] MuLaw(TimeSpan length)
    {
        var samples = new short[(int)(length.TotalSeconds * AudioFormat.SampleRate)];
        for (var index = 0; index < samples.Length; index++)
        {
            samples[index] = (short)Math.Round(Amplitude * short.MaxValue * Math.Sin(2 * Math.PI * Frequency * index / AudioFormat.SampleRate));
        }

        var codes = new byte[samples.Length];
        G711.EncodeMuLaw(samples, codes);
        return codes;
    }

    /// <summary>
    /// Writes a mono μ-law WAV of the tone with the canonical 44-byte header: SIPp's <c>rtp_stream</c> skips
    /// a WAV header and sends the bytes after it as they are, so they must already be the payload type's codes.
    /// </summary>
    public static void WriteMuLawWav(string path, TimeSpan length)
    {
        var codes = MuLaw(length);
        var header = new byte[WavHeaderLength];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(WavHeaderLength - 8 + codes.Length));
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), WavFormat.MuLaw);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), AudioFormat.SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), AudioFormat.SampleRate);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 8);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), (uint)codes.Length);
        using var file = File.Create(path);
        file.Write(header);
        file.Write(codes);
    }
}
