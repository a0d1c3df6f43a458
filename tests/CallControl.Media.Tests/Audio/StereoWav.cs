using System.Buffers.Binary;

namespace CallControl.Media.Tests.Audio;

/// <summary>Reads back the engine's recordings: 16-bit PCM stereo WAV with the canonical 44-byte header.</summary>
internal static class StereoWav
{
    public static (short[] Left, short[] Right) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(22)).ShouldBe((short)2, "a recording has two channels");
        BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)).ShouldBe(8000);
        BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(40)).ShouldBe(bytes.Length - 44, "the header's data size was fixed when the recording ended");
        var frames = (bytes.Length - 44) / 4;
        var left = new short[frames];
        var right = new short[frames];
        for (var n = 0; n < frames; n++)
        {
            left[n] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(44 + (4 * n)));
            right[n] = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(46 + (4 * n)));
        }

        return (left, right);
    }
}
