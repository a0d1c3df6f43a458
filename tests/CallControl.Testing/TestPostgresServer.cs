using CallControl.Api.LocalPostgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CallControl.Testing;

/// <summary>
/// The PostgreSQL server of a test run: the one named by <c>CALLCONTROL_TEST_POSTGRES</c> (a connection string
/// whose user may create databases), or else a private cluster started once per test process in a
/// temporary folder on a random loopback port, and removed when the process exits.
/// </summary>
public static class TestPostgresServer
{
    public const string EnvironmentVariable = "CALLCONTROL_TEST_POSTGRES";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _adminConnectionString;
    private static LocalPostgresCluster? _cluster;

    /// <summary>A connection string to the server's <c>postgres</c> database with rights to create databases.</summary>
    public static async Task<string> GetAdminConnectionStringAsync()
    {
        if (_adminConnectionString is not null)
        {
            return _adminConnectionString;
        }

        await Gate.WaitAsync();
        try
        {
            if (_adminConnectionString is not null)
            {
                return _adminConnectionString;
            }

            var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            var connectionString = string.IsNullOrWhiteSpace(configured) ? await StartPrivateClusterAsync() : configured;
            _adminConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString;
            return _adminConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs one statement on its own connection (CREATE/DROP DATABASE cannot run in a transaction).</summary>
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string> StartPrivateClusterAsync()
    {
        var options = new LocalPostgresOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), $"callcontrol-test-pg-{Guid.NewGuid():N}"),
            DeleteOnStop = true,
            Settings =
            {
                // Durability buys nothing for a throw-away cluster; speed does.
                ["fsync"] = "off",
                ["synchronous_commit"] = "off",
                ["full_page_writes"] = "off",
                ["max_connections"] = "400",
            },
        };
        _cluster = await LocalPostgresCluster.StartAsync(options, NullLogger.Instance);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return _cluster.ConnectionString;
    }
}
