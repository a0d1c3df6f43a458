using System.Buffers.Binary;

namespace CallControl.Media.Audio;

/// <summary>The RIFF WAVE container: finding the fmt and data chunks, and the canonical 44-byte header.</summary>
internal static class RiffWave
{
    public const int CanonicalHeaderSize = 44;

    /// <summary>Reads the format and locates the samples.</summary>
    /// <exception cref="WavFormatException">The bytes are not a well-formed WAVE file.</exception>
    public static (WavFormat Format, Range Data) Parse(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file[8..12].SequenceEqual("WAVE"u8))
        {
            throw new WavFormatException("The file is not a RIFF WAVE file.");
        }

        WavFormat? format = null;
        var offset = 12;
        while (offset + 8 <= file.Length)
        {
            var id = file.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file[(offset + 4)..]);
            var body = offset + 8;

            if (id.SequenceEqual("data"u8))
            {
                if (format is null)
                {
                    throw new WavFormatException("The data chunk comes before any fmt chunk.");
                }

                // Writers that stream (or were cut off) can leave the size too large; the bytes present are the data.
                var length = (int)Math.Min(size, (uint)(file.Length - body));
                return (format.Value, new Range(body, body + length));
            }

            if (size > (uint)(file.Length - body))
            {
                throw new WavFormatException($"The '{System.Text.Encoding.ASCII.GetString(id)}' chunk runs past the end of the file.");
            }

            if (id.SequenceEqual("fmt "u8))
            {
                format = ReadFormat(file.Slice(body, (int)size));
            }

            // Chunks are padded to an even length.
            offset = body + (int)size + (int)(size & 1);
        }

        throw new WavFormatException("The file has no data chunk.");
    }

    /// <summary>Writes the canonical header: RIFF, fmt (16 bytes, PCM) and the data chunk's header.</summary>
    public static void WritePcmHeader(Span<byte> header, ushort channels, int sampleRate, ushort bitsPerSample, uint dataLength)
    {
        var blockAlign = (ushort)(channels * bitsPerSample / 8);
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], CanonicalHeaderSize - 8 + dataLength);
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], WavFormat.Pcm);
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], channels);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(sampleRate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], bitsPerSample);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], dataLength);
    }

    private static WavFormat ReadFormat(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < 16)
        {
            throw new WavFormatException($"The fmt chunk is {chunk.Length} bytes; it needs at least 16.");
        }

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk);

        // WAVE_FORMAT_EXTENSIBLE carries the real tag in the first two bytes of its sub-format GUID.
        if (tag == WavFormat.Extensible && chunk.Length >= 26)
        {
            tag = BinaryPrimitives.ReadUInt16LittleEndian(chunk[24..]);
        }

        return new WavFormat(
            tag,
            BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(chunk[14..]));
    }
}
