using System.Collections.Concurrent;
using System.Text.Json;
using CallControl.Api.EventStore;
using CallControl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CallControl.Api.Tests.EventStore;

/// <summary>One service instance's view of the log: its own connection pool, wake-up signal, store and runners.</summary>
internal sealed class LogProcess : IAsyncDisposable
{
    private readonly List<SubscriptionRunner> _runners = [];
    private readonly EventLogNotifier _notifier;

    public LogProcess(PostgresDatabase database, SubscriptionOptions? options = null, params IInlineProjection[] projections)
    {
        DataSource = database.CreateDataSource();
        Options = options ?? new SubscriptionOptions { PollInterval = TimeSpan.FromMilliseconds(200), LeadershipRetryInterval = TimeSpan.FromMilliseconds(200) };
        Store = new PostgresEventStore(DataSource, projections, Signal);
        _notifier = new EventLogNotifier(DataSource, Signal, NullLogger<EventLogNotifier>.Instance);
        _notifier.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public NpgsqlDataSource DataSource { get; }

    public EventLogSignal Signal { get; } = new();

    public SubscriptionOptions Options { get; }

    public PostgresEventStore Store { get; }

    public async Task<SubscriptionRunner> StartRunnerAsync(IEventSubscription subscription)
    {
        var runner = new SubscriptionRunner(DataSource, subscription, Signal, Options, NullLogger<SubscriptionRunner>.Instance);
        _runners.Add(runner);
        await runner.StartAsync(CancellationToken.None);
        return runner;
    }

    public async Task StopRunnerAsync(SubscriptionRunner runner)
    {
        await runner.StopAsync(CancellationToken.None);
        _runners.Remove(runner);
        runner.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var runner in _runners.ToArray())
        {
            await StopRunnerAsync(runner);
        }

        await _notifier.StopAsync(CancellationToken.None);
        _notifier.Dispose();
        await DataSource.DisposeAsync();
    }

    public static EventToAppend Event(string type = "Something", object? data = null) =>
        new(Guid.CreateVersion7(), type, JsonSerializer.Serialize(data ?? new { value = 1 }), new EventMetadata(CommandId: "cmd", Actor: "test"));
}

/// <summary>Remembers every event it was handed, in order, and can wait for a condition on them.</summary>
internal sealed class RecordingSubscription : IEventSubscription
{
    private readonly ConcurrentQueue<StoredEvent> _delivered = new();

    public RecordingSubscription(string name) => Name = name;

    public string Name { get; }

    /// <summary>Runs inside the handler's transaction before the batch is recorded; may throw.</summary>
    public Func<SubscriptionBatch, CancellationToken, Task>? OnBatch { get; set; }

    public IReadOnlyList<StoredEvent> Delivered => _delivered.ToArray();

    public async Task HandleAsync(SubscriptionBatch batch, CancellationToken cancellationToken)
    {
        if (OnBatch is not null)
        {
            await OnBatch(batch, cancellationToken);
        }

        foreach (var @event in batch.Events)
        {
            _delivered.Enqueue(@event);
        }
    }

    public async Task<IReadOnlyList<StoredEvent>> WaitForAsync(Func<IReadOnlyList<StoredEvent>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var delivered = Delivered;
            if (condition(delivered))
            {
                return delivered;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"Subscription {Name} did not reach the expected state within {timeout}; it has {Delivered.Count} events.");
    }
}
