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
}
