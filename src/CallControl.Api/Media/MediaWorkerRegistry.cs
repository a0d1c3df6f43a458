using System.Collections.Concurrent;
using CallControl.Domain.Media;
using MassTransit;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Media;

/// <summary>
/// The workers this instance has heard from, by their heartbeats. Each API instance keeps its own (every
/// instance receives every heartbeat), so no instance depends on another to know who is alive.
/// </summary>
public sealed class MediaWorkerRegistry
{
    private readonly ConcurrentDictionary<string, MediaWorkerHeartbeat> _workers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;

    public MediaWorkerRegistry(TimeProvider time, IOptions<MediaWorkersOptions> options)
    {
        _time = time;
        _timeout = options.Value.HeartbeatTimeout;
        StartedAt = time.GetUtcNow();
    }

    /// <summary>When this instance began listening: a worker it never heard from counts as last seen then.</summary>
    public DateTimeOffset StartedAt { get; }

    public TimeSpan Timeout => _timeout;

    public void Beat(MediaWorkerHeartbeat heartbeat)
    {
        // Stamped on arrival: the worker's clock need not agree with ours.
        _workers[heartbeat.WorkerId] = heartbeat with { OccurredAt = _time.GetUtcNow() };
    }

    public DateTimeOffset LastSeen(string workerId) =>
        _workers.TryGetValue(workerId, out var last) ? last.OccurredAt : StartedAt;

    public IReadOnlyList<MediaWorkerHeartbeat> Alive()
    {
        var now = _time.GetUtcNow();
        return [.. _workers.Values.Where(w => now - w.OccurredAt <= _timeout).OrderBy(w => w.WorkerId, StringComparer.Ordinal)];
    }

    /// <summary>The live worker carrying the fewest legs, or null when none is alive.</summary>
    public string? Pick() => Alive().OrderBy(w => w.ActiveLegs).Select(w => w.WorkerId).FirstOrDefault();
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
