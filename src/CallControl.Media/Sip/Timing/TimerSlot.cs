namespace CallControl.Media.Sip.Timing;

/// <summary>One bucket of a wheel level: an intrusive doubly linked list of the timers it holds.</summary>
internal sealed class TimerSlot
{
    private ScheduledTimer? _head;
    private ScheduledTimer? _tail;

    public bool IsEmpty => _head is null;

    public void Append(ScheduledTimer timer)
    {
        timer.Slot = this;
        timer.Next = null;
        timer.Previous = _tail;
        if (_tail is null)
        {
            _head = timer;
        }
        else
        {
            _tail.Next = timer;
        }

        _tail = timer;
    }

    public void Remove(ScheduledTimer timer)
    {
        if (timer.Previous is null)
        {
            _head = timer.Next;
        }
        else
        {
            timer.Previous.Next = timer.Next;
        }

        if (timer.Next is null)
        {
            _tail = timer.Previous;
        }
        else
        {
            timer.Next.Previous = timer.Previous;
        }

        timer.Previous = timer.Next = null;
        timer.Slot = null;
    }

    /// <summary>Empties the slot and returns its first timer; the rest follow through <see cref="ScheduledTimer.Next"/>.</summary>
    public ScheduledTimer? DetachAll()
    {
        var head = _head;
        _head = _tail = null;
        return head;
    }
}
