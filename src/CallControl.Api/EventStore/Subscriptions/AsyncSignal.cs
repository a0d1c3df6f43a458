namespace CallControl.Api.EventStore;

/// <summary>
/// A wake-up that waiters take before they look for work and await after finding none, so a signal given
/// between the look and the wait is never missed.
/// </summary>
public class AsyncSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource _next = NewSource();

    /// <summary>Wakes everyone waiting on the task <see cref="Next"/> returned before this call.</summary>
    public void Notify()
    {
        TaskCompletionSource fired;
        lock (_gate)
        {
            fired = _next;
            _next = NewSource();
        }

        fired.TrySetResult();
    }

    /// <summary>A task that completes at the next <see cref="Notify"/>.</summary>
    public Task Next()
    {
        lock (_gate)
        {
            return _next.Task;
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
