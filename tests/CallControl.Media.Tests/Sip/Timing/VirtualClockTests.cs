using CallControl.Media.Sip.Timing;

namespace CallControl.Media.Tests.Sip.Timing;

public sealed class VirtualClockTests
{
    [Fact]
    public void TheClockOnlyMovesWhenAdvanced()
    {
        var start = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new VirtualClock(start);
        var before = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromMilliseconds(1500));

        clock.GetUtcNow().ShouldBe(start.AddMilliseconds(1500));
        clock.GetElapsedTime(before).ShouldBe(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public void TimersFireInDueOrderAndSeeTheirOwnDueTimeOnTheClock()
    {
        var clock = new VirtualClock();
        var seen = new List<(string Name, TimeSpan At)>();
        using var late = clock.CreateTimer(_ => seen.Add(("late", clock.Elapsed)), null, TimeSpan.FromSeconds(3), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => seen.Add(("early", clock.Elapsed)), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(5));

        seen.ShouldBe([("early", TimeSpan.FromSeconds(1)), ("late", TimeSpan.FromSeconds(3))]);
        clock.Elapsed.ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void APeriodicTimerFiresOncePerPeriodUntilDisposed()
    {
        var clock = new VirtualClock();
        var fired = 0;
        var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));

        clock.Advance(TimeSpan.FromMilliseconds(95));
        fired.ShouldBe(9);

        timer.Dispose();
        clock.Advance(TimeSpan.FromSeconds(1));
        fired.ShouldBe(9);
    }

    [Fact]
    public void AChangedTimerFiresAtItsNewDueTime()
    {
        var clock = new VirtualClock();
        var firedAt = TimeSpan.MinValue;
        using var timer = clock.CreateTimer(_ => firedAt = clock.Elapsed, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        timer.Change(TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan).ShouldBeTrue();
        clock.Advance(TimeSpan.FromSeconds(3));

        firedAt.ShouldBe(TimeSpan.FromSeconds(2));
    }
}
