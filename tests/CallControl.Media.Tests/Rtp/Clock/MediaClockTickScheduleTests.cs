using CallControl.Media.Rtp.Clock;
using CallControl.Media.Sip.Timing;

namespace CallControl.Media.Tests.Rtp.Clock;

public sealed class MediaClockTickScheduleTests
{
    private static readonly TimeSpan PacketTime = TimeSpan.FromMilliseconds(20);

    [Fact]
    public void TicksFallDueAtWholeMultiplesOfThePacketTimeFromTheStart()
    {
        var time = new VirtualClock();
        using var clock = new MediaClock(PacketTime, time);
        var stream = new RecordingSubscriber();
        clock.Add(stream);

        for (var step = 0; step < 4; step++)
        {
            clock.RunDueTicks().ShouldBe(PacketTime);
            time.Advance(PacketTime);
        }

        stream.Ticks.Select(t => t.Number).ShouldBe([0L, 1, 2, 3]);
        stream.Ticks.Select(t => t.Due).ShouldBe([TimeSpan.Zero, PacketTime, 2 * PacketTime, 3 * PacketTime]);
        stream.Ticks.ShouldAllBe(t => t.Lateness == TimeSpan.Zero);
        clock.GetStatistics().LateTicks.ShouldBe(0);
    }

    [Fact]
    public void AWakeUpThatIsAlwaysALittleLateDoesNotPushLaterTicksBack()
    {
        var time = new VirtualClock();
        using var clock = new MediaClock(PacketTime, time);
        var stream = new RecordingSubscriber();
        clock.Add(stream);

        // Waking 21 ms after each wait would drift by 1 ms a tick if ticks were scheduled from the previous one.
        clock.RunDueTicks();
        for (var step = 0; step < 10; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(21));
            clock.RunDueTicks();
        }

        stream.Ticks.Select(t => t.Due).ShouldBe(Enumerable.Range(0, 11).Select(n => n * PacketTime));
        stream.Ticks[10].Lateness.ShouldBe(TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public void TicksMissedDuringAStallAreRunAtOnceAndCountedLate()
    {
        var time = new VirtualClock();
        using var clock = new MediaClock(PacketTime, time);
        var stream = new RecordingSubscriber();
        clock.Add(stream);
        clock.RunDueTicks();

        time.Advance(TimeSpan.FromMilliseconds(105));
        var untilNext = clock.RunDueTicks();

        stream.Ticks.Select(t => t.Number).ShouldBe([0L, 1, 2, 3, 4, 5]);
        stream.Ticks.Skip(1).Select(t => t.Lateness.TotalMilliseconds).ShouldBe([85.0, 65, 45, 25, 5]);
        untilNext.ShouldBe(TimeSpan.FromMilliseconds(15));
        var statistics = clock.GetStatistics();
        statistics.Ticks.ShouldBe(6);
        statistics.LateTicks.ShouldBe(5);
        statistics.MaxLateness.ShouldBe(TimeSpan.FromMilliseconds(85));
        statistics.LatenessP50.ShouldBeInRange(TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(25.1));
    }

    [Fact]
    public void ASubscriberAddedBetweenTicksIsCalledFromTheNextTickAndOneRemovedIsNotCalledAgain()
    {
        var time = new VirtualClock();
        using var clock = new MediaClock(PacketTime, time);
        var early = new RecordingSubscriber();
        var late = new RecordingSubscriber();
        clock.Add(early);

        clock.RunDueTicks();
        time.Advance(PacketTime);
        clock.Add(late);
        clock.Add(late);
        clock.RunDueTicks();
        time.Advance(PacketTime);
        clock.Remove(early).ShouldBeTrue();
        clock.RunDueTicks();

        early.Ticks.Select(t => t.Number).ShouldBe([0L, 1]);
        late.Ticks.Select(t => t.Number).ShouldBe([1L, 2]);
        clock.SubscriberCount.ShouldBe(1);
        clock.Remove(early).ShouldBeFalse();
    }

    [Fact]
    public void ASubscriberThatThrowsIsCountedAndTheOthersStillTick()
    {
        var time = new VirtualClock();
        using var clock = new MediaClock(PacketTime, time);
        var stream = new RecordingSubscriber();
        clock.Add(new ThrowingSubscriber());
        clock.Add(stream);

        clock.RunDueTicks();
        time.Advance(PacketTime);
        clock.RunDueTicks();

        stream.Count.ShouldBe(2);
        clock.GetStatistics().SubscriberFaults.ShouldBe(2);
    }

    private sealed class ThrowingSubscriber : IMediaClockSubscriber
    {
        public void OnTick(MediaTick tick) => throw new InvalidOperationException("broken stream");
    }
}
