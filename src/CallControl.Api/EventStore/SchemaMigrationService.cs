using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CallControl.Api.EventStore;

/// <summary>Brings the schema up to date at start-up, before subscriptions and the HTTP server start.</summary>
public sealed class SchemaMigrationService : IHostedService
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<SchemaMigrationService> _logger;

    public SchemaMigrationService(NpgsqlDataSource dataSource, ILogger<SchemaMigrationService> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken) => SchemaMigrator.ApplyAsync(_dataSource, _logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
