using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CallControl.Api.Health;

/// <summary>Ready only while the event store answers a query within <see cref="Timeout"/>.</summary>
public sealed class EventStoreHealthCheck : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _dataSource;

    public EventStoreHealthCheck(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
            var migrations = await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy($"event store reachable, {migrations} schema migrations applied");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("event store unreachable: " + ex.Message);
        }
    }
}
