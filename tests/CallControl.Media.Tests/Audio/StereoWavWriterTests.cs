using System.Buffers.Binary;
using CallControl.Media.Audio;

namespace CallControl.Media.Tests.Audio;

public sealed class StereoWavWriterTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"recording-{Guid.NewGuid():N}.wav");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void TheHeaderDescribes16BitStereoPcmAt8KilohertzWithTheSizesFixedOnClose()
    {
        using (var writer = StereoWavWriter.Create(_path))
        {
            writer.Write(new short[160], new short[160]);
            writer.Write(new short[160], new short[160]);
        }

        var file = File.ReadAllBytes(_path);
        file.Length.ShouldBe(44 + (2 * 160 * 4));
        file.AsSpan(0, 4).SequenceEqual("RIFF"u8).ShouldBeTrue();
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)).ShouldBe((uint)(file.Length - 8));
        file.AsSpan(8, 8).SequenceEqual("WAVEfmt "u8).ShouldBeTrue();
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(16)).ShouldBe(16u);
        BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(20)).ShouldBe((ushort)1);
        BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(22)).ShouldBe((ushort)2);
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(24)).ShouldBe(8000u);
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(28)).ShouldBe(32000u);
        BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(32)).ShouldBe((ushort)4);
        BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(34)).ShouldBe((ushort)16);
        file.AsSpan(36, 4).SequenceEqual("data"u8).ShouldBeTrue();
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)).ShouldBe((uint)(2 * 160 * 4));
    }

    [Fact]
    public void SamplesAreInterleavedLeftThenRight()
    {
        using (var writer = StereoWavWriter.Create(_path))
        {
            writer.Write([1, 2, 3], [-1, -2, -3]);
        }

        var file = File.ReadAllBytes(_path);
        var samples = Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(44 + (2 * i)))).ToArray();
        samples.ShouldBe([(short)1, (short)-1, (short)2, (short)-2, (short)3, (short)-3]);
    }

    [Fact]
    public void ARecordingOfTwoTonesIsValidAfterCloseWithEachToneOnItsOwnChannel()
    {
        var caller = new ToneGenerator([new ToneStep(440, TimeSpan.FromSeconds(1))], 0.25);
        var agent = new ToneGenerator([new ToneStep(1000, TimeSpan.FromSeconds(1))], 0.25);
        var left = new short[160];
        var right = new short[160];
        using (var writer = StereoWavWriter.Create(_path))
        {
            for (var frame = 0; frame < 50; frame++)
            {
                caller.Read(left);
                agent.Read(right);
                writer.Write(left, right);
            }

            writer.SampleFrames.ShouldBe(8000);
        }

        var file = File.ReadAllBytes(_path);
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)).ShouldBe(32000u);
        var leftChannel = new short[8000];
        var rightChannel = new short[8000];
        for (var i = 0; i < 8000; i++)
        {
            leftChannel[i] = BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(44 + (4 * i)));
            rightChannel[i] = BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(46 + (4 * i)));
        }

        leftChannel.Max().ShouldBeGreaterThan((short)7000);
        rightChannel.Max().ShouldBeGreaterThan((short)7000);
        AudioMeasure.PowerAt(leftChannel, 440).ShouldBeGreaterThan(100 * AudioMeasure.PowerAt(leftChannel, 1000));
        AudioMeasure.PowerAt(rightChannel, 1000).ShouldBeGreaterThan(100 * AudioMeasure.PowerAt(rightChannel, 440));
    }

    [Fact]
    public void ARecordingIsNotPlayableAsMusicOnHoldBecauseItIsStereo()
    {
        using (var writer = StereoWavWriter.Create(_path))
        {
            writer.Write([100, 200, 300], [7, 8, 9]);
        }

        var file = File.ReadAllBytes(_path);

        Should.Throw<WavFormatException>(() => WavLoop.FromBytes(file)).Message.ShouldContain("2 channel");
    }

    [Fact]
    public void AnEmptyRecordingIsStillAWellFormedFile()
    {
        StereoWavWriter.Create(_path).Dispose();

        var file = File.ReadAllBytes(_path);
        file.Length.ShouldBe(44);
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(4)).ShouldBe(36u);
        BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(40)).ShouldBe(0u);
    }

    [Fact]
    public void ChannelsOfDifferentLengthsAreRefused()
    {
        using var writer = StereoWavWriter.Create(_path);

        Should.Throw<ArgumentException>(() => writer.Write(new short[160], new short[159]));
    }

    [Fact]
    public void WritingAfterCloseIsRefused()
    {
        var writer = StereoWavWriter.Create(_path);
        writer.Dispose();

        Should.Throw<ObjectDisposedException>(() => writer.Write(new short[1], new short[1]));
    }

    [Fact]
    public void WritingAFrameAllocatesNothing()
    {
        using var stream = new MemoryStream(1024 * 1024);
        using var writer = new StereoWavWriter(stream, leaveOpen: true);
        var frame = new short[160];
        writer.Write(frame, frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            writer.Write(frame, frame);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
