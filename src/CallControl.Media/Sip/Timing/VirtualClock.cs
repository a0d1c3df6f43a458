namespace CallControl.Media.Sip.Timing;

/// <summary>
/// A clock that only moves when <see cref="Advance"/> is called, for tests of timer logic. Timers created
/// through it (including the one that ticks a <see cref="TimerWheel"/>) fire synchronously inside
/// <see cref="Advance"/>, one at a time, in due order (ties in the order they were armed), and the clock
/// reads exactly each timer's due time while its callback runs. A timer armed with a zero due time fires
/// at the next <see cref="Advance"/>, even <c>Advance(TimeSpan.Zero)</c>.
/// </summary>
public sealed class VirtualClock : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly Lock _advancing = new();
    private readonly List<VirtualTimer> _timers = [];
    private readonly DateTimeOffset _start;
    private long _elapsedTicks;
    private long _armSequence;

    /// <summary>A clock that starts at 2000-01-01T00:00:00Z.</summary>
    public VirtualClock()
        : this(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public VirtualClock(DateTimeOffset start)
    {
        _start = start;
    }

    /// <summary>How far the clock has been advanced since it was created.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _elapsedTicks));

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => _start + Elapsed;

    public override long GetTimestamp() => Volatile.Read(ref _elapsedTicks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="by"/>, firing every timer that falls due on the way. Calls
    /// from several threads are taken one after another.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (_advancing)
        {
            var target = Volatile.Read(ref _elapsedTicks) + by.Ticks;
            while (TakeNextDue(target) is { } due)
            {
                due.Callback(due.State);
            }

            Volatile.Write(ref _elapsedTicks, target);
        }
    }

    private VirtualTimer? TakeNextDue(long target)
    {
        lock (_gate)
        {
            VirtualTimer? next = null;
            foreach (var timer in _timers)
            {
                if (timer.DueTicks <= target
                    && (next is null || timer.DueTicks < next.DueTicks
                        || (timer.DueTicks == next.DueTicks && timer.ArmSequence < next.ArmSequence)))
                {
                    next = timer;
                }
            }

            if (next is null)
            {
                return null;
            }

            Volatile.Write(ref _elapsedTicks, Math.Max(next.DueTicks, Volatile.Read(ref _elapsedTicks)));
            if (next.PeriodTicks > 0)
            {
                next.DueTicks += next.PeriodTicks;
                next.ArmSequence = ++_armSequence;
            }
            else
            {
                _timers.Remove(next);
            }

            return next;
        }
    }

    private bool Arm(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            if (timer.IsDisposed)
            {
                return false;
            }

            _timers.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
            timer.DueTicks = Volatile.Read(ref _elapsedTicks) + dueTime.Ticks;
            timer.PeriodTicks = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
            timer.ArmSequence = ++_armSequence;
            _timers.Add(timer);
            return true;
        }
    }

    private void Disarm(VirtualTimer timer)
    {
        lock (_gate)
        {
            timer.IsDisposed = true;
            _timers.Remove(timer);
        }
    }

    private sealed class VirtualTimer(VirtualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;

        public object? State { get; } = state;

        public long DueTicks { get; set; }

        public long PeriodTicks { get; set; }

        public long ArmSequence { get; set; }

        public bool IsDisposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => clock.Arm(this, dueTime, period);

        public void Dispose() => clock.Disarm(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
