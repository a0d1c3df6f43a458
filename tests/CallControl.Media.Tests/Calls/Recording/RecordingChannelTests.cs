using CallControl.Media.Audio;
using CallControl.Media.Calls.Recording;

namespace CallControl.Media.Tests.Calls.Recording;

public sealed class RecordingChannelTests
{
    private readonly RecordingChannel _channel = new();
    private readonly short[] _frame = new short[AudioFormat.FrameSamples];

    [Fact]
    public void AFrameIsReadInTheOrderTheSamplesWereWritten()
    {
        _channel.Write(Ramp(0, 100));
        _channel.Write(Ramp(100, 60));

        _channel.Read(_frame);

        _frame.ShouldBe(Ramp(0, 160));
        _channel.SamplesDropped.ShouldBe(0);
    }

    [Fact]
    public void ASideThatDeliveredTooLittleIsPaddedWithSilenceAndNothingIsCarriedOver()
    {
        _channel.Write(Ramp(1, 100));

        _channel.Read(_frame);
        _frame.AsSpan(0, 100).ToArray().ShouldBe(Ramp(1, 100));
        _frame.AsSpan(100).ToArray().ShouldAllBe(sample => sample == 0);

        _frame.AsSpan().Fill(-1);
        _channel.Read(_frame);
        _frame.ShouldAllBe(sample => sample == 0);
    }

    [Fact]
    public void ABacklogBeyondOneHundredMillisecondsLosesItsOldestSamplesAndCountsThem()
    {
        _channel.Write(Ramp(0, 700));
        _channel.Write(Ramp(700, 300));

        _channel.SamplesDropped.ShouldBe(200);
        for (var n = 0; n < 5; n++)
        {
            _channel.Read(_frame);
            _frame.ShouldBe(Ramp(200 + (160 * n), 160), $"frame {n}");
        }

        _channel.Read(_frame);
        _frame.ShouldAllBe(sample => sample == 0);
    }

    [Fact]
    public void AWriteLongerThanTheChannelCanHoldKeepsTheNewestBacklogAndCountsAllTheRestAsDropped()
    {
        _channel.Write(Ramp(0, 3000));

        _channel.SamplesDropped.ShouldBe(3000 - RecordingChannel.MaxBacklogSamples);
        _channel.Read(_frame);
        _frame.ShouldBe(Ramp(3000 - RecordingChannel.MaxBacklogSamples, 160));
    }

    [Fact]
    public void SamplesComeOutContinuousLongAfterTheRingHasWrappedAround()
    {
        // A standing backlog of 500 samples, then a frame in and a frame out per tick for several times the ring.
        _channel.Write(Ramp(0, 500));
        var written = 500;
        for (var tick = 0; tick < 100; tick++)
        {
            // Uneven packet sizes so that writes and reads straddle the end of the ring at different places.
            var size = tick % 2 == 0 ? 150 : 170;
            _channel.Write(Ramp(written, size));
            written += size;
            _channel.Read(_frame);
            _frame.ShouldBe(Ramp(160 * tick, 160), $"tick {tick}");
        }

        _channel.SamplesDropped.ShouldBe(0);
    }

    // Values that wrap at 16 bits, so long runs stay distinct enough to show a misplaced sample.
    private static short[] Ramp(int first, int count) => [.. Enumerable.Range(first, count).Select(value => (short)value)];
}
