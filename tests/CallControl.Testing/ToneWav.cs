using System.Buffers.Binary;
using CallControl.Media.Audio;
using CallControl.Media.Rtp.Codecs;

namespace CallControl.Testing;

/// <summary>
/// A steady tone as G.711 μ-law at 8 kHz, the audio SIPp's <c>rtp_stream</c> plays in the tests and benchmarks:
/// it skips a WAV header and sends the bytes after it as they are, so they must already be the payload's codes.
/// </summary>
public static class ToneWav
{
    private const double Amplitude = 0.25;
    private const int HeaderLength = 44;

    /// <summary><paramref name="length"/> of the tone as μ-law codes, one per sample.</summary>
    public static byte[] MuLaw(double frequency, TimeSpan length)
    {
        var samples = new short[(int)(length.TotalSeconds * AudioFormat.SampleRate)];
        for (var index = 0; index < samples.Length; index++)
        {
            samples[index] = (short)Math.Round(Amplitude * short.MaxValue * Math.Sin(2 * Math.PI * frequency * index / AudioFormat.SampleRate));
        }

        var codes = new byte[samples.Length];
        G711.EncodeMuLaw(samples, codes);
        return codes;
    }

    /// <summary>Writes the tone to <paramref name="path"/> as a mono μ-law WAV with the canonical 44-byte header.</summary>
    public static void Write(string path, double frequency, TimeSpan length)
    {
        var codes = MuLaw(frequency, length);
        var header = new byte[HeaderLength];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(HeaderLength - 8 + codes.Length));
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
