using CallControl.Domain.Media;
using MassTransit;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Media;

/// <summary>
/// The workers this instance has heard from, by their heartbeats. Each API instance keeps its own (every
/// instance receives every heartbeat), so no instance depends on another to know who is alive.
/// <para>
/// A worker's silence is measured only while this instance can hear heartbeats at all. While its heartbeat
/// queue is cut off from the broker (a broker restart, which MassTransit may take up to half a minute to
/// recover from), no heartbeat can arrive whatever the workers do: the registry stays as it was when the
/// queue was lost, so the workers alive then are still picked for new calls and none is declared dead.
/// </para>
/// </summary>
public sealed class MediaWorkerRegistry
{
    private readonly Dictionary<string, Heard> _workers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private TimeSpan _deafBefore;
    private DateTimeOffset? _deafSince;

    public MediaWorkerRegistry(TimeProvider time, IOptions<MediaWorkersOptions> options)
    {
        _time = time;
        _timeout = options.Value.HeartbeatTimeout;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>When this instance began listening: a worker it never heard from counts as last seen then.</summary>
    public DateTimeOffset StartedAt { get; }

    public TimeSpan Timeout => _timeout;

    /// <summary>Whether the heartbeat queue is connected, so that a worker's silence means something.</summary>
    public bool IsHearing
    {
        get
        {
            lock (_gate)
            {
                return _deafSince is null;
            }
        }
    }

    public void Beat(MediaWorkerHeartbeat heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        lock (_gate)
        {
            // Stamped on arrival: the worker's clock need not agree with ours.
            var now = _time.GetUtcNow();
            _workers[heartbeat.WorkerId] = new Heard(heartbeat with { OccurredAt = now }, HearingTime(now));
        }
    }

    /// <summary>The heartbeat queue receives (again): silence counts again from now.</summary>
    public void Hearing()
    {
        lock (_gate)
        {
            if (_deafSince is { } since)
            {
                _deafBefore += _time.GetUtcNow() - since;
                _deafSince = null;
            }
        }
    }

    /// <summary>The heartbeat queue lost the broker: silence stops counting until <see cref="Hearing"/>.</summary>
    public void Deaf()
    {
        lock (_gate)
        {
            _deafSince ??= _time.GetUtcNow();
        }
    }

    /// <summary>How long <paramref name="workerId"/> has been silent while this instance could hear it (since its start for a worker never heard).</summary>
    public TimeSpan SilenceOf(string workerId)
    {
        lock (_gate)
        {
            var heardAt = _workers.TryGetValue(workerId, out var last) ? last.At : StartedAt;
            return HearingTime(_time.GetUtcNow()) - heardAt;
        }
    }

    public IReadOnlyList<MediaWorkerHeartbeat> Alive()
    {
        lock (_gate)
        {
            var now = HearingTime(_time.GetUtcNow());
            return [.. _workers.Values.Where(w => now - w.At <= _timeout).Select(w => w.Heartbeat).OrderBy(w => w.WorkerId, StringComparer.Ordinal)];
        }
    }

    /// <summary>The live worker carrying the fewest legs, or null when none is alive.</summary>
    public string? Pick() => Alive().OrderBy(w => w.ActiveLegs).Select(w => w.WorkerId).FirstOrDefault();

    /// <summary>A clock that stands still while this instance is deaf: the time it has spent able to hear heartbeats.</summary>
    private DateTimeOffset HearingTime(DateTimeOffset now) => (_deafSince ?? now) - _deafBefore;

    /// <param name="At">On the <see cref="HearingTime"/> clock.</param>
    private sealed record Heard(MediaWorkerHeartbeat Heartbeat, DateTimeOffset At);
}

/// <summary>
/// Tells the registry whether the heartbeat queue is connected. MassTransit reports an endpoint ready when it
/// starts and again after each reconnection to the broker, and faulted when the connection is lost.
/// </summary>
public sealed class MediaWorkerHeartbeatHearing : IReceiveEndpointObserver
{
    private readonly MediaWorkerRegistry _registry;
    private readonly ILogger<MediaWorkerHeartbeatHearing> _logger;

    public MediaWorkerHeartbeatHearing(MediaWorkerRegistry registry, ILogger<MediaWorkerHeartbeatHearing> logger)
    {
        _registry = registry;
        _logger = logger;
    }

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (!_registry.IsHearing)
        {
            _logger.LogInformation("Media worker heartbeats are received again; their silence counts again");
        }

        _registry.Hearing();
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed)
    {
        Lost("the queue's consumer ended");
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        Lost(faulted.Exception?.Message ?? "the queue faulted");
        return Task.CompletedTask;
    }

    private void Lost(string reason)
    {
        if (_registry.IsHearing)
        {
            _logger.LogInformation("Media worker heartbeats cannot be received ({Reason}); no worker counts as silent until they can", reason);
        }

        _registry.Deaf();
    }
}

/// <summary>The heartbeat queue reports its connection to the registry (see <see cref="MediaWorkerHeartbeatHearing"/>).</summary>
public sealed class MediaWorkerHeartbeatConsumerDefinition : ConsumerDefinition<MediaWorkerHeartbeatConsumer>
{
    private readonly MediaWorkerHeartbeatHearing _hearing;

    public MediaWorkerHeartbeatConsumerDefinition(MediaWorkerHeartbeatHearing hearing) => _hearing = hearing;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<MediaWorkerHeartbeatConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.ConnectReceiveEndpointObserver(_hearing);
}

/// <summary>Feeds the registry. Runs on a queue of this instance's own, so every instance sees every heartbeat.</summary>
public sealed class MediaWorkerHeartbeatConsumer : IConsumer<MediaWorkerHeartbeat>
{
    private readonly MediaWorkerRegistry _registry;

    public MediaWorkerHeartbeatConsumer(MediaWorkerRegistry registry) => _registry = registry;

    public Task Consume(ConsumeContext<MediaWorkerHeartbeat> context)
    {
        _registry.Beat(context.Message);
        return Task.CompletedTask;
    }
}
