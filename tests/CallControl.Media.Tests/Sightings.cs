namespace CallControl.Media.Tests;

/// <summary>What a component under test reported, in arrival order, with a wait for a report still to come.</summary>
internal sealed class Sightings<TBase>
    where TBase : class
{
    private readonly List<TBase> _seen = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<TBase> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public void Add(TBase item)
    {
        TaskCompletionSource changed;
        lock (_seen)
        {
            _seen.Add(item);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    /// <summary>The first report (so far or later) of type <typeparamref name="T"/> that matches; <paramref name="log"/> explains a timeout.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match, TimeSpan patience, Func<string> log)
        where T : TBase
    {
        using var timeout = new CancellationTokenSource(patience);
        while (true)
        {
            Task changed;
            lock (_seen)
            {
                if (_seen.OfType<T>().FirstOrDefault(item => match?.Invoke(item) ?? true) is { } found)
                {
                    return found;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {typeof(T).Name} was reported in time. Reported:\n{string.Join("\n", Seen)}\nLog:\n{log()}");
            }
        }
    }
}
