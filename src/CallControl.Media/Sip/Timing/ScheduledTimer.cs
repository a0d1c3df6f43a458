namespace CallControl.Media.Sip.Timing;

/// <summary>
/// One timer on a <see cref="TimerWheel"/>: the handle its owner keeps to cancel it. It is also the wheel's
/// list node, so scheduling allocates this one object and cancelling unlinks it in O(1).
/// </summary>
public sealed class ScheduledTimer
{
    internal const int Pending = 0;
    internal const int Due = 1;
    internal const int Fired = 2;
    internal const int Cancelled = 3;

    private readonly TimerWheel _wheel;
    private int _state;

    internal ScheduledTimer(TimerWheel wheel, Action<object?> callback, object? state, long dueTicks, long sequence)
    {
        _wheel = wheel;
        Callback = callback;
        CallbackState = state;
        DueTicks = dueTicks;
        Sequence = sequence;
    }

    /// <summary>When the timer is due, as time elapsed on the wheel's clock since the wheel was created.</summary>
    public TimeSpan DueAt => TimeSpan.FromTicks(DueTicks);

    /// <summary>True once the callback has started; a fired timer can no longer be cancelled.</summary>
    public bool HasFired => Volatile.Read(ref _state) == Fired;

    public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;

    internal Action<object?> Callback { get; }

    internal object? CallbackState { get; }

    internal long DueTicks { get; }

    internal long Sequence { get; }

    internal ScheduledTimer? Previous { get; set; }

    internal ScheduledTimer? Next { get; set; }

    internal TimerSlot? Slot { get; set; }

    internal int State => Volatile.Read(ref _state);

    /// <summary>
    /// Stops the timer if its callback has not started yet. True when this call cancelled it; false when it
    /// had already fired or been cancelled.
    /// </summary>
    public bool Cancel() => _wheel.Cancel(this);

    internal void MarkDue() => Volatile.Write(ref _state, Due);

    internal void MarkCancelled() => Volatile.Write(ref _state, Cancelled);

    internal bool TryMove(int from, int to) => Interlocked.CompareExchange(ref _state, to, from) == from;
}
