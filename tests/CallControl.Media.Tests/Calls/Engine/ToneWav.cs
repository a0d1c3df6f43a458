using System.Buffers.Binary;
using CallControl.Media.Rtp.Codecs;

namespace CallControl.Media.Tests.Calls.Engine;

/// <summary>Audio files for SIPp's rtp_stream: a steady tone as 8 kHz μ-law in a WAV container.</summary>
internal static class ToneWav
{
    public static string Write(string directory, double frequency, TimeSpan length)
    {
        var samples = (int)(length.TotalSeconds * 8000);
        var data = new byte[samples];
        for (var n = 0; n < samples; n++)
        {
            data[n] = G711.EncodeMuLaw((short)(8000 * Math.Sin(2 * Math.PI * frequency * n / 8000)));
        }

        var file = new byte[44 + samples];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 36 + samples);
        "WAVEfmt "u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(20), 7); // μ-law
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), 8000);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(28), 8000);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(32), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(34), 8);
        "data"u8.CopyTo(file.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(40), samples);
        data.CopyTo(file.AsSpan(44));
        var path = Path.Combine(directory, $"tone-{frequency:0}.wav");
        File.WriteAllBytes(path, file);
        return path;
    }
}
