namespace CallControl.Api.EventStore;

/// <summary>
/// Tells this process's subscription runners that the log grew, and asks <see cref="EventLogNotifier"/> to
/// tell other processes. The append itself sends no NOTIFY: a NOTIFY inside a transaction takes a
/// database-wide lock at commit and would make concurrent appends commit one by one.
/// </summary>
public sealed class EventLogSignal
{
    private readonly object _gate = new();
    private readonly AsyncSignal _appended = new();
    private readonly Dictionary<(string Tenant, string Stream), List<StreamWaiter>> _streams = [];
    private TaskCompletionSource _outbound = NewSource();

    /// <summary>Called after an append commits.</summary>
    public void Notify()
    {
        NotifyLocal();
        lock (_gate)
        {
            _outbound.TrySetResult();
        }
    }

    /// <summary>
    /// Wakes whoever waits on one stream for an append past a version below <paramref name="version"/>; called by
    /// the stream's writer once what it appended, up to <paramref name="version"/>, can be read (committed, and the
    /// writer's cached state moved on), after <see cref="Notify()"/> for the log.
    /// </summary>
    public void NotifyStream(string tenantId, string streamId, long version)
    {
        List<StreamWaiter>? woken = null;
        lock (_streams)
        {
            if (_streams.TryGetValue((tenantId, streamId), out var waiting))
            {
                for (var i = waiting.Count - 1; i >= 0; i--)
                {
                    if (waiting[i].After < version)
                    {
                        (woken ??= []).Add(waiting[i]);
                        waiting.RemoveAt(i);
                    }
                }

                if (waiting.Count == 0)
                {
                    _streams.Remove((tenantId, streamId));
                }
            }
        }

        foreach (var waiter in woken ?? [])
        {
            waiter.Appended.TrySetResult();
        }
    }

    /// <summary>
    /// A task that completes at the next append to one stream made in this process that takes it past
    /// <paramref name="afterVersion"/>, so that a request waiting for its conversation is woken neither by other
    /// conversations' appends nor by its own. Take it before looking at the stream; hand it back with
    /// <see cref="StopWaiting"/> when done, woken or not.
    /// </summary>
    public Task NextAppendTo(string tenantId, string streamId, long afterVersion)
    {
        var waiter = new StreamWaiter(afterVersion);
        lock (_streams)
        {
            if (!_streams.TryGetValue((tenantId, streamId), out var waiting))
            {
                waiting = [];
                _streams.Add((tenantId, streamId), waiting);
            }

            waiting.Add(waiter);
        }

        return waiter.Appended.Task;
    }

    /// <summary>Gives back a task from <see cref="NextAppendTo"/>; the stream's entry goes with its last waiter.</summary>
    public void StopWaiting(string tenantId, string streamId, Task next)
    {
        lock (_streams)
        {
            if (_streams.TryGetValue((tenantId, streamId), out var waiting)
                && waiting.RemoveAll(waiter => waiter.Appended.Task == next) > 0
                && waiting.Count == 0)
            {
                _streams.Remove((tenantId, streamId));
            }
        }
    }

    /// <summary>Wakes this process's readers without forwarding (a notification that came from elsewhere).</summary>
    public void NotifyLocal() => _appended.Notify();

    /// <summary>A task that completes at the next append after this call.</summary>
    public Task NextAppend() => _appended.Next();

    /// <summary>Completes when an append happened since the last call; used by the single cross-process notifier.</summary>
    public async Task WaitForOutboundAsync(CancellationToken cancellationToken)
    {
        Task pending;
        lock (_gate)
        {
            pending = _outbound.Task;
        }

        await pending.WaitAsync(cancellationToken);
        lock (_gate)
        {
            if (_outbound.Task.IsCompleted)
            {
                _outbound = NewSource();
            }
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class StreamWaiter(long after)
    {
        public long After { get; } = after;

        public TaskCompletionSource Appended { get; } = NewSource();
    }
}
