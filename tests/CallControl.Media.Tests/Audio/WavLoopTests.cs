using System.Buffers.Binary;
using CallControl.Media.Audio;
using CallControl.Media.Rtp.Codecs;

namespace CallControl.Media.Tests.Audio;

public sealed class WavLoopTests
{
    [Fact]
    public void A16BitPcmFileIsReadSampleForSample()
    {
        short[] samples = [0, 1, -1, 1000, short.MinValue, short.MaxValue];
        var data = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), samples[i]);
        }

        var loop = WavLoop.FromBytes(Wav(tag: 1, channels: 1, rate: 8000, bits: 16, data));
        var read = new short[samples.Length];
        loop.Read(read);

        loop.Format.ShouldBe(new WavFormat(1, 1, 8000, 16));
        read.ShouldBe(samples);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(6)]
    public void G711FilesAreDecodedWithTheirLaw(int tag)
    {
        byte[] codes = [0x00, 0x55, 0x80, 0xD5, 0xFF, 0x7F];

        var loop = WavLoop.FromBytes(Wav((ushort)tag, 1, 8000, 8, codes));
        var read = new short[codes.Length];
        loop.Read(read);

        read.ShouldBe(codes.Select(c => tag == 7 ? G711.DecodeMuLaw(c) : G711.DecodeALaw(c)).ToArray());
    }

    [Fact]
    public void FramesLoopBackToTheStartOfTheFile()
    {
        var data = new byte[200];
        for (var i = 0; i < 100; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), (short)i);
        }

        var loop = WavLoop.FromBytes(Wav(1, 1, 8000, 16, data));
        var frame = new short[160];
        loop.Read(frame);
        loop.Read(frame);

        // 320 samples of a 100-sample file: the second frame starts at sample 160 % 100 = 60.
        frame[0].ShouldBe((short)60);
        frame[39].ShouldBe((short)99);
        frame[40].ShouldBe((short)0);
        frame[159].ShouldBe((short)19);
    }

    [Fact]
    public void ChunksBeforeAndBetweenAreSkippedIncludingTheirPadByte()
    {
        var data = new byte[] { 0x34, 0x12 };
        var file = Wav(1, 1, 8000, 16, data, extraChunk: "LIST", extraLength: 3);

        var loop = WavLoop.FromBytes(file);
        var read = new short[1];
        loop.Read(read);

        read[0].ShouldBe((short)0x1234);
    }

    [Theory]
    [InlineData(1, 2, 8000, 16, "2 channel")]
    [InlineData(1, 1, 16000, 16, "16000 Hz")]
    [InlineData(1, 1, 8000, 8, "8-bit")]
    [InlineData(3, 1, 8000, 32, "format 0x0003")]
    [InlineData(7, 1, 8000, 16, "μ-law, 16-bit")]
    public void UnsupportedFormatsAreRefusedNamingTheFormat(int tag, int channels, int rate, int bits, string named)
    {
        var file = Wav((ushort)tag, (ushort)channels, rate, (ushort)bits, new byte[320]);

        var refused = Should.Throw<WavFormatException>(() => WavLoop.FromBytes(file));

        refused.Message.ShouldContain(named);
        refused.Message.ShouldContain("only mono 8000 Hz");
    }

    [Fact]
    public void AFileThatIsNotRiffWaveIsRefused()
    {
        var file = Wav(1, 1, 8000, 16, new byte[4]);
        "RIFX"u8.CopyTo(file);

        Should.Throw<WavFormatException>(() => WavLoop.FromBytes(file)).Message.ShouldContain("not a RIFF WAVE");
    }

    [Fact]
    public void AFileWithoutSamplesIsRefused()
    {
        Should.Throw<WavFormatException>(() => WavLoop.FromBytes(Wav(1, 1, 8000, 16, []))).Message.ShouldContain("no samples");
    }

    [Fact]
    public void EveryTruncationOfTheHeaderIsRefusedWithAWavError()
    {
        var file = Wav(1, 1, 8000, 16, new byte[2]);
        for (var length = 0; length < 44; length++)
        {
            Should.Throw<WavFormatException>(() => WavLoop.FromBytes(file.AsSpan(0, length)), $"length {length}");
        }
    }

    [Fact]
    public void AClonePlaysFromTheStartIndependently()
    {
        var data = new byte[] { 1, 0, 2, 0, 3, 0 };
        var loop = WavLoop.FromBytes(Wav(1, 1, 8000, 16, data));
        var one = new short[1];
        loop.Read(one);

        var clone = loop.Clone();
        clone.Read(one);

        one[0].ShouldBe((short)1);
    }

    [Fact]
    public void AFileIsLoadedFromDisk()
    {
        var path = Path.Combine(Path.GetTempPath(), $"moh-{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, Wav(7, 1, 8000, 8, [0xFF, 0x80]));
        try
        {
            var loop = WavLoop.Load(path);

            loop.SampleCount.ShouldBe(2);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A WAV file laid out by hand, independently of the writer under test.</summary>
    private static byte[] Wav(ushort tag, ushort channels, int rate, ushort bits, byte[] data, string? extraChunk = null, int extraLength = 0)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(0u);
        writer.Write("WAVE"u8);
        if (extraChunk is not null)
        {
            writer.Write(System.Text.Encoding.ASCII.GetBytes(extraChunk));
            writer.Write(extraLength);
            writer.Write(new byte[extraLength + (extraLength % 2)]);
        }

        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write(tag);
        writer.Write(channels);
        writer.Write(rate);
        writer.Write(rate * channels * bits / 8);
        writer.Write((ushort)(channels * bits / 8));
        writer.Write(bits);
        writer.Write("data"u8);
        writer.Write(data.Length);
        writer.Write(data);
        writer.Flush();

        var file = stream.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(4), (uint)(file.Length - 8));
        return file;
    }
}
