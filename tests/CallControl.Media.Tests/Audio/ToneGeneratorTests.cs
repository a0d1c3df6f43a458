using CallControl.Media.Audio;

namespace CallControl.Media.Tests.Audio;

public sealed class ToneGeneratorTests
{
    [Fact]
    public void AToneCrossesZeroTwicePerCycle()
    {
        var generator = new ToneGenerator([new ToneStep(440, TimeSpan.FromSeconds(1))], 0.5);
        var samples = new short[8000];

        generator.Read(samples);

        AudioMeasure.ZeroCrossings(samples).ShouldBeInRange(878, 882);
    }

    [Fact]
    public void MusicOnHoldPlaysItsTwoNotesInTurn()
    {
        var generator = ToneGenerator.MusicOnHold();
        var first = new short[4000];
        var second = new short[4000];

        generator.Read(first);
        generator.Read(second);

        AudioMeasure.PowerAt(first, 440).ShouldBeGreaterThan(100 * AudioMeasure.PowerAt(first, 659.25));
        AudioMeasure.PowerAt(second, 659.25).ShouldBeGreaterThan(100 * AudioMeasure.PowerAt(second, 440));
    }

    [Fact]
    public void MusicOnHoldIsAudibleWithoutClipping()
    {
        var generator = ToneGenerator.MusicOnHold();
        var samples = new short[8000];

        generator.Read(samples);

        samples.Max(s => Math.Abs((int)s)).ShouldBeInRange(3500, 4200);
    }

    [Fact]
    public void FramesReadOneAtATimeJoinUpIntoTheSameSignalAsOneLongRead()
    {
        var pattern = new[] { new ToneStep(300, TimeSpan.FromMilliseconds(130)), new ToneStep(1000, TimeSpan.FromMilliseconds(70)) };
        var framed = new ToneGenerator(pattern, 0.5);
        var whole = new ToneGenerator(pattern, 0.5);
        var expected = new short[160 * 20];
        whole.Read(expected);

        var actual = new short[expected.Length];
        for (var offset = 0; offset < actual.Length; offset += 160)
        {
            framed.Read(actual.AsSpan(offset, 160));
        }

        actual.ShouldBe(expected);
    }

    [Fact]
    public void ThePhaseRunsOnAcrossFramesAndNotesWithoutAJump()
    {
        var generator = new ToneGenerator(
            [new ToneStep(300, TimeSpan.FromMilliseconds(130)), new ToneStep(1000, TimeSpan.FromMilliseconds(70))],
            0.5);
        var samples = new short[160 * 50];
        for (var offset = 0; offset < samples.Length; offset += 160)
        {
            generator.Read(samples.AsSpan(offset, 160));
        }

        // A sine of amplitude A at f moves at most 2πfA/fs per sample; a phase reset would jump further.
        var largestStep = (2 * Math.PI * 1000 * 0.5 * short.MaxValue / 8000) + 2;
        for (var i = 1; i < samples.Length; i++)
        {
            Math.Abs(samples[i] - samples[i - 1]).ShouldBeLessThanOrEqualTo((int)largestStep, $"sample {i}");
        }
    }

    [Fact]
    public void ReadingAFrameAllocatesNothing()
    {
        var generator = ToneGenerator.MusicOnHold();
        var frame = new short[160];
        generator.Read(frame);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            generator.Read(frame);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Fact]
    public void ANoteAtOrAboveHalfTheSampleRateIsRefused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ToneGenerator([new ToneStep(4000, TimeSpan.FromSeconds(1))], 0.5));
    }
}
