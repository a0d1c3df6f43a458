using System.Collections.Concurrent;
using System.Diagnostics;
using CallControl.Media.Sip.Timing;

namespace CallControl.Media.Tests.Sip.Timing;

public sealed class TimerWheelTests : IDisposable
{
    private readonly VirtualClock _clock = new();
    private readonly TimerWheel _wheel;

    public TimerWheelTests()
    {
        _wheel = new TimerWheel(_clock);
    }

    public void Dispose() => _wheel.Dispose();

    [Fact]
    public void ATimerFiresAtItsDueTimeAndNotBefore()
    {
        TimeSpan? firedAt = null;
        _wheel.Schedule(TimeSpan.FromMilliseconds(500), () => firedAt = _clock.Elapsed);

        _clock.Advance(TimeSpan.FromMilliseconds(499));
        firedAt.ShouldBeNull();

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        firedAt.ShouldBe(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void ATimerDueBetweenTicksFiresAtTheNextTickNeverEarlier()
    {
        _clock.Advance(TimeSpan.FromMilliseconds(3));
        TimeSpan? firedAt = null;
        _wheel.Schedule(TimeSpan.FromMilliseconds(100), () => firedAt = _clock.Elapsed);

        _clock.Advance(TimeSpan.FromMilliseconds(102));
        firedAt.ShouldBeNull();

        _clock.Advance(TimeSpan.FromMilliseconds(10));
        firedAt.ShouldBe(TimeSpan.FromMilliseconds(110));
    }

    [Fact]
    public void TimersFireInDueOrderWhateverOrderTheyWereScheduledIn()
    {
        var fired = new List<int>();
        int[] delaysMs = [4000, 20, 700, 20, 3, 65000, 1];
        for (var i = 0; i < delaysMs.Length; i++)
        {
            var index = i;
            _wheel.Schedule(TimeSpan.FromMilliseconds(delaysMs[i]), () => fired.Add(index));
        }

        _clock.Advance(TimeSpan.FromMinutes(2));

        fired.ShouldBe([6, 4, 1, 3, 2, 0, 5]);
    }

    [Fact]
    public void TimersDueWithinOneTickFireInExactDueOrder()
    {
        var fired = new List<string>();
        _wheel.Schedule(TimeSpan.FromMilliseconds(19), () => fired.Add("19"));
        _wheel.Schedule(TimeSpan.FromMilliseconds(12), () => fired.Add("12"));
        _wheel.Schedule(TimeSpan.FromMilliseconds(15), () => fired.Add("15"));

        _clock.Advance(TimeSpan.FromMilliseconds(20));

        fired.ShouldBe(["12", "15", "19"]);
    }

    [Fact]
    public void ACancelledTimerNeverFires()
    {
        var fired = false;
        var timer = _wheel.Schedule(TimeSpan.FromSeconds(1), () => fired = true);

        timer.Cancel().ShouldBeTrue();
        _clock.Advance(TimeSpan.FromSeconds(5));

        fired.ShouldBeFalse();
        timer.IsCancelled.ShouldBeTrue();
        _wheel.PendingCount.ShouldBe(0);
    }

    [Fact]
    public void CancellingAFiredTimerReportsThatItWasTooLate()
    {
        var timer = _wheel.Schedule(TimeSpan.FromMilliseconds(10), () => { });
        _clock.Advance(TimeSpan.FromMilliseconds(10));

        timer.HasFired.ShouldBeTrue();
        timer.Cancel().ShouldBeFalse();
    }

    [Fact]
    public void ACallbackCanCancelATimerDueInTheSameTick()
    {
        var secondFired = false;
        ScheduledTimer? second = null;
        _wheel.Schedule(TimeSpan.FromMilliseconds(11), () => second!.Cancel().ShouldBeTrue());
        second = _wheel.Schedule(TimeSpan.FromMilliseconds(12), () => secondFired = true);

        _clock.Advance(TimeSpan.FromMilliseconds(20));

        secondFired.ShouldBeFalse();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(32)]
    [InlineData(5 * 60)]
    [InlineData(30 * 60)]
    [InlineData(2 * 60 * 60 + 17)]
    public void LongTimersThatWrapAroundTheWheelFireExactlyOnTime(int seconds)
    {
        var due = TimeSpan.FromSeconds(seconds) + TimeSpan.FromMilliseconds(40);
        TimeSpan? firedAt = null;
        _clock.Advance(TimeSpan.FromMilliseconds(2_555));
        var scheduledAt = _clock.Elapsed;
        _wheel.Schedule(due, () => firedAt = _clock.Elapsed);

        _clock.Advance(due - TimeSpan.FromMilliseconds(1));
        firedAt.ShouldBeNull();

        _clock.Advance(TimeSpan.FromMilliseconds(10));
        firedAt.ShouldBe(scheduledAt + due + TimeSpan.FromMilliseconds(5));
    }

    [Fact]
    public void ACallbackCanScheduleAnotherTimer()
    {
        var fired = new List<TimeSpan>();
        _wheel.Schedule(TimeSpan.FromMilliseconds(100), () =>
        {
            fired.Add(_clock.Elapsed);
            _wheel.Schedule(TimeSpan.FromMilliseconds(200), () => fired.Add(_clock.Elapsed));
            _wheel.Schedule(TimeSpan.Zero, () => fired.Add(_clock.Elapsed));
        });

        _clock.Advance(TimeSpan.FromSeconds(1));

        fired.ShouldBe([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(110), TimeSpan.FromMilliseconds(300)]);
    }

    [Fact]
    public void ACallbackThatThrowsDoesNotStopTheOthers()
    {
        var fired = 0;
        _wheel.Schedule(TimeSpan.FromMilliseconds(10), () => throw new InvalidOperationException("boom"));
        _wheel.Schedule(TimeSpan.FromMilliseconds(10), () => fired++);
        _wheel.Schedule(TimeSpan.FromMilliseconds(50), () => fired++);

        _clock.Advance(TimeSpan.FromMilliseconds(50));

        fired.ShouldBe(2);
    }

    [Fact]
    public void OneHundredThousandTimersAreScheduledAndCancelledQuicklyAndTheRestFireInOrder()
    {
        const int count = 100_000;
        var random = new Random(3261);
        var timers = new ScheduledTimer[count];
        var fired = new List<TimeSpan>(count);
        Action<object?> record = dueAt => fired.Add((TimeSpan)dueAt!);

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 3_600_000));
            timers[i] = _wheel.Schedule(delay, record, delay);
        }

        for (var i = 0; i < count; i += 2)
        {
            timers[i].Cancel().ShouldBeTrue();
        }

        stopwatch.Stop();
        stopwatch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        _wheel.PendingCount.ShouldBe(count / 2);

        _clock.Advance(TimeSpan.FromHours(1));

        fired.Count.ShouldBe(count / 2);
        fired.ShouldBe(fired.Order().ToList());
        _wheel.PendingCount.ShouldBe(0);
    }

    [Fact]
    public async Task SchedulingAndCancellingFromSeveralThreadsWhileTheWheelTicksLosesNothing()
    {
        const int threads = 4;
        const int perThread = 20_000;
        var firings = new ConcurrentDictionary<int, int>();
        var cancelled = new ConcurrentDictionary<int, bool>();
        using var start = new Barrier(threads + 1);
        var schedulers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            var random = new Random(t);
            var mine = new List<(int Id, ScheduledTimer Timer)>();
            for (var i = 0; i < perThread; i++)
            {
                var id = (t * perThread) + i;
                var timer = _wheel.Schedule(
                    TimeSpan.FromMilliseconds(random.Next(0, 2_000)),
                    state => firings.AddOrUpdate((int)state!, 1, (_, n) => n + 1),
                    id);
                mine.Add((id, timer));
                if (random.Next(3) == 0)
                {
                    var (victimId, victim) = mine[random.Next(mine.Count)];
                    if (victim.Cancel())
                    {
                        cancelled.TryAdd(victimId, true).ShouldBeTrue();
                    }
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        var ticker = Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            while (!schedulers.All(s => s.IsCompleted))
            {
                _clock.Advance(TimeSpan.FromMilliseconds(10));
            }
        }, TaskCreationOptions.LongRunning);

        await Task.WhenAll(schedulers).WaitAsync(TimeSpan.FromSeconds(60));
        await ticker.WaitAsync(TimeSpan.FromSeconds(60));
        _clock.Advance(TimeSpan.FromSeconds(3));

        firings.Values.ShouldAllBe(n => n == 1);
        firings.Keys.Intersect(cancelled.Keys).ShouldBeEmpty();
        (firings.Count + cancelled.Count).ShouldBe(threads * perThread);
        _wheel.PendingCount.ShouldBe(0);
    }

    [Fact]
    public void ADisposedWheelFiresNothingMore()
    {
        var fired = false;
        _wheel.Schedule(TimeSpan.FromMilliseconds(10), () => fired = true);

        _wheel.Dispose();
        _clock.Advance(TimeSpan.FromSeconds(1));

        fired.ShouldBeFalse();
        Should.Throw<ObjectDisposedException>(() => _wheel.Schedule(TimeSpan.FromSeconds(1), () => { }));
    }

    [Fact]
    public async Task OnTheSystemClockOnePeriodicTimerFiresTheWheel()
    {
        using var wheel = new TimerWheel(TimeProvider.System);
        var fired = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduledAt = wheel.Elapsed;

        wheel.Schedule(TimeSpan.FromMilliseconds(50), () => fired.TrySetResult(wheel.Elapsed));

        var firedAt = await fired.Task.WaitAsync(TimeSpan.FromSeconds(30));
        (firedAt - scheduledAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(50));
    }
}
