using CallControl.Api.Media;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallControl.Api.Health;

/// <summary>
/// Ready only while heartbeats can be received (the bus is connected) and at least one media worker's arrived within
/// the timeout: without one no call can be placed.
/// </summary>
public sealed class MediaWorkersHealthCheck : IHealthCheck
{
    private readonly MediaWorkerRegistry _registry;

    public MediaWorkersHealthCheck(MediaWorkerRegistry registry) => _registry = registry;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_registry.IsHearing)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The bus is disconnected: no media worker heartbeat can be received."));
        }

        var alive = _registry.Alive();
        var result = alive.Count > 0
            ? HealthCheckResult.Healthy($"{alive.Count} media worker(s) alive: {string.Join(", ", alive.Select(w => $"{w.WorkerId} ({w.ActiveLegs} legs)"))}")
            : HealthCheckResult.Unhealthy($"No media worker heartbeat within {_registry.Timeout.TotalSeconds:0} s.");
        return Task.FromResult(result);
    }
}
