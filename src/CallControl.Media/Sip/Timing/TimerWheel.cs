using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallControl.Media.Sip.Timing;

/// <summary>
/// The one place every SIP timer runs (transactions' A–M, dialogs' 2xx retransmissions, session timers):
/// a hierarchical timer wheel read from a <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// Time is cut into ticks of <see cref="Resolution"/> (10 ms by default) counted from the wheel's creation.
/// Four levels of 256 slots cover 256 ticks (2.56 s), 65 536 ticks (about 11 min), 2^24 ticks (about 46.6 h)
/// and 2^32 ticks (about 497 days, <see cref="MaxDelay"/>) at that resolution. A timer goes straight into
/// the level that spans its delay (O(1)); when the lowest level wraps, the next level's current slot is
/// cascaded down, so a 30-minute session timer is touched three times in its life, not once per turn.
/// Cancelling unlinks the timer from its slot (O(1)).
/// </para>
/// <para>
/// A timer never fires before its due time; it fires at the first tick at or after it, so at most one
/// resolution late while the wheel keeps up. Timers due in the same tick fire in due order, ties in the
/// order they were scheduled. After a stall (a paused process, a starved thread pool) the late ticks are
/// caught up in order on the next tick.
/// </para>
/// <para>
/// One periodic timer from the clock drives the wheel, created with the wheel and stopped by
/// <see cref="Dispose"/>: with <see cref="TimeProvider.System"/> that is a single thread-pool timer for the
/// whole process; with a <see cref="VirtualClock"/> the wheel ticks inside <see cref="VirtualClock.Advance"/>.
/// Callbacks run inline on the ticking thread, one after another, outside the wheel's lock: they must be
/// short and must not block (hand longer work to a channel or the thread pool). They may schedule and
/// cancel timers. A callback that throws is logged and the wheel carries on.
/// </para>
/// </remarks>
public sealed partial class TimerWheel : IDisposable
{
    public static readonly TimeSpan DefaultResolution = TimeSpan.FromMilliseconds(10);

    private const int SlotBits = 8;
    private const int SlotsPerLevel = 1 << SlotBits;
    private const int SlotMask = SlotsPerLevel - 1;
    private const int Levels = 4;
    private const long MaxDelayTicks = (1L << (SlotBits * Levels)) - 1;

    private readonly long _resolutionTicks;
    private readonly long _originTimestamp;
    private readonly TimerSlot[][] _levels;
    private readonly Lock _gate = new();
    private readonly Lock _ticking = new();
    private readonly List<ScheduledTimer> _firing = [];
    private readonly ILogger _logger;
    private readonly ITimer _driver;
    private long _nextTick;
    private long _sequence;
    private int _pendingCount;
    private bool _disposed;

    public TimerWheel(TimeProvider clock, ILogger<TimerWheel>? logger = null)
        : this(clock, DefaultResolution, logger)
    {
    }

    public TimerWheel(TimeProvider clock, TimeSpan resolution, ILogger<TimerWheel>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, TimeSpan.FromMilliseconds(1));
        Clock = clock;
        Resolution = resolution;
        _resolutionTicks = resolution.Ticks;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _levels = new TimerSlot[Levels][];
        for (var level = 0; level < Levels; level++)
        {
            _levels[level] = new TimerSlot[SlotsPerLevel];
            for (var slot = 0; slot < SlotsPerLevel; slot++)
            {
                _levels[level][slot] = new TimerSlot();
            }
        }

        _originTimestamp = clock.GetTimestamp();
        _driver = clock.CreateTimer(static wheel => ((TimerWheel)wheel!).Tick(), this, resolution, resolution);
    }

    /// <summary>The clock the wheel reads; other timing code (idle checks, Retry-After) reads the same one.</summary>
    public TimeProvider Clock { get; }

    public TimeSpan Resolution { get; }

    /// <summary>The longest delay <see cref="Schedule(TimeSpan, Action)"/> accepts.</summary>
    public TimeSpan MaxDelay => TimeSpan.FromTicks(_resolutionTicks * MaxDelayTicks);

    /// <summary>Time elapsed on <see cref="Clock"/> since the wheel was created.</summary>
    public TimeSpan Elapsed => Clock.GetElapsedTime(_originTimestamp);

    /// <summary>Timers scheduled and not yet fired or cancelled.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pendingCount;
            }
        }
    }

    /// <summary>Runs <paramref name="callback"/> once <paramref name="delay"/> has passed, on the ticking thread.</summary>
    public ScheduledTimer Schedule(TimeSpan delay, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Schedule(delay, static action => ((Action)action!)(), callback);
    }

    /// <summary>
    /// Runs <paramref name="callback"/> with <paramref name="state"/> once <paramref name="delay"/> has
    /// passed, on the ticking thread; a static callback with state schedules without a closure.
    /// </summary>
    public ScheduledTimer Schedule(TimeSpan delay, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay, MaxDelay);
        var dueTicks = Elapsed.Ticks + delay.Ticks;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var timer = new ScheduledTimer(this, callback, state, dueTicks, ++_sequence);
            Insert(timer);
            _pendingCount++;
            return timer;
        }
    }

    /// <summary>Stops the wheel; timers still pending never fire.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _driver.Dispose();
    }

    internal bool Cancel(ScheduledTimer timer)
    {
        lock (_gate)
        {
            if (timer.State == ScheduledTimer.Pending)
            {
                timer.Slot?.Remove(timer);
                timer.MarkCancelled();
                _pendingCount--;
                return true;
            }
        }

        return timer.TryMove(ScheduledTimer.Due, ScheduledTimer.Cancelled);
    }

    /// <summary>Fires everything due by the clock's current time; a tick already running makes this a no-op.</summary>
    internal void Tick()
    {
        if (!_ticking.TryEnter())
        {
            return;
        }

        try
        {
            while (CollectDue(Elapsed.Ticks / _resolutionTicks))
            {
                Fire();
            }
        }
        finally
        {
            _ticking.Exit();
        }
    }

    /// <summary>
    /// Advances through ticks up to <paramref name="lastTick"/> until one holds timers, which it moves to
    /// <see cref="_firing"/>. False when nothing more is due.
    /// </summary>
    private bool CollectDue(long lastTick)
    {
        lock (_gate)
        {
            while (!_disposed && _nextTick <= lastTick)
            {
                var tick = _nextTick;
                Cascade(tick);
                var timer = _levels[0][(int)(tick & SlotMask)].DetachAll();
                _nextTick = tick + 1;
                while (timer is not null)
                {
                    var next = Unlink(timer);
                    timer.MarkDue();
                    _pendingCount--;
                    _firing.Add(timer);
                    timer = next;
                }

                if (_firing.Count > 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// When <paramref name="tick"/> starts a new turn of a level, that level's next slot holds the timers due
    /// within the coming turn: they are re-inserted lower down, highest level first.
    /// </summary>
    private void Cascade(long tick)
    {
        for (var level = Levels - 1; level >= 1; level--)
        {
            if ((tick & ((1L << (SlotBits * level)) - 1)) != 0)
            {
                continue;
            }

            var slot = (int)((tick >> (SlotBits * level)) & SlotMask);
            var timer = _levels[level][slot].DetachAll();
            while (timer is not null)
            {
                var next = Unlink(timer);
                Insert(timer);
                timer = next;
            }
        }
    }

    private void Insert(ScheduledTimer timer)
    {
        var dueTick = Math.Max((timer.DueTicks + _resolutionTicks - 1) / _resolutionTicks, _nextTick);
        var delta = dueTick - _nextTick;
        var level = delta < 1L << SlotBits ? 0
            : delta < 1L << (2 * SlotBits) ? 1
            : delta < 1L << (3 * SlotBits) ? 2
            : 3;
        _levels[level][(int)((dueTick >> (SlotBits * level)) & SlotMask)].Append(timer);
    }

    private static ScheduledTimer? Unlink(ScheduledTimer timer)
    {
        var next = timer.Next;
        timer.Previous = timer.Next = null;
        timer.Slot = null;
        return next;
    }

    private void Fire()
    {
        if (_firing.Count > 1)
        {
            _firing.Sort(static (a, b) => a.DueTicks != b.DueTicks
                ? a.DueTicks.CompareTo(b.DueTicks)
                : a.Sequence.CompareTo(b.Sequence));
        }

        foreach (var timer in _firing)
        {
            if (!timer.TryMove(ScheduledTimer.Due, ScheduledTimer.Fired))
            {
                continue;
            }

            try
            {
                timer.Callback(timer.CallbackState);
            }
            catch (Exception exception)
            {
                LogCallbackFailed(_logger, exception);
            }
        }

        _firing.Clear();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A SIP timer callback failed; the wheel carries on")]
    private static partial void LogCallbackFailed(ILogger logger, Exception exception);
}
