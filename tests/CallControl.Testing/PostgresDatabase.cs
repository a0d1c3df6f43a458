using CallControl.Api.EventStore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace CallControl.Testing;

/// <summary>
/// A fresh database with the current schema for one test class (<c>IClassFixture&lt;PostgresDatabase&gt;</c>),
/// copied from a template database that is migrated once per schema version, and dropped afterwards.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    private string? _adminConnectionString;
    private NpgsqlDataSource? _dataSource;

    public string Name { get; } = $"cc_test_{Guid.NewGuid():N}"[..24];

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>A pooled data source on this database, disposed with the fixture.</summary>
    public NpgsqlDataSource DataSource => _dataSource ?? throw new InvalidOperationException("The database is not ready yet.");

    public async Task InitializeAsync()
    {
        _adminConnectionString = await TestPostgresServer.GetAdminConnectionStringAsync();
        var template = await EnsureTemplateAsync(_adminConnectionString);
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await ExecuteAsync(admin, $"CREATE DATABASE {Name} TEMPLATE {template}");
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = Name }.ConnectionString;
        _dataSource = EventStoreDataSource.Create(ConnectionString);
    }

    /// <summary>A second, independent data source on the same database (another "process").</summary>
    public NpgsqlDataSource CreateDataSource() => EventStoreDataSource.Create(ConnectionString);

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_adminConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task<string> EnsureTemplateAsync(string adminConnectionString)
    {
        var template = $"cc_template_{SchemaMigrator.Fingerprint}";
        await using var admin = new NpgsqlConnection(adminConnectionString);
        await admin.OpenAsync();

        // Test processes sharing one server make the template once between them.
        await using var transaction = await admin.BeginTransactionAsync();
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('callcontrol:test-template', 0))", admin, transaction))
        {
            await lockCommand.ExecuteNonQueryAsync();
        }

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin, transaction))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = template });
            if (await exists.ExecuteScalarAsync() is not null)
            {
                return template;
            }
        }

        // CREATE DATABASE cannot run inside the locking transaction: a second connection does the work,
        // under a temporary name so that a half-made template is never picked up.
        var building = template + "_building";
        await using (var side = new NpgsqlConnection(adminConnectionString))
        {
            await side.OpenAsync();
            await ExecuteAsync(side, $"DROP DATABASE IF EXISTS {building}");
            await ExecuteAsync(side, $"CREATE DATABASE {building}");
            var buildingConnection = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = building, Pooling = false }.ConnectionString;
            await using (var migrate = NpgsqlDataSource.Create(buildingConnection))
            {
                await SchemaMigrator.ApplyAsync(migrate, NullLogger.Instance);
            }

            await ExecuteAsync(side, $"ALTER DATABASE {building} RENAME TO {template}");
        }

        await transaction.CommitAsync();
        return template;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
