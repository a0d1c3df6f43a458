using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CallControl.Api.LocalPostgres;

/// <summary>
/// A private PostgreSQL cluster made with the machine's own server binaries: created on first use,
/// started on a free loopback port, stopped (and optionally removed) when disposed. Used by the
/// default local run, by the test fixture and by the benchmarks.
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string SuperUser = "callcontrol";
    private const string PasswordFileName = "callcontrol.password";
    private const string SettingsFileName = "callcontrol.conf";

    private readonly LocalPostgresOptions _options;
    private readonly PostgresBinaries _binaries;
    private readonly ILogger _logger;
    private int _stopped;

    private LocalPostgresCluster(LocalPostgresOptions options, PostgresBinaries binaries, string dataDirectory, int port, string password, ILogger logger)
    {
        _options = options;
        _binaries = binaries;
        _logger = logger;
        DataDirectory = dataDirectory;
        Port = port;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            Username = SuperUser,
            Password = password,
            Database = options.Database,
        }.ConnectionString;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>Connection string for the cluster's application database (created at start).</summary>
    public string ConnectionString { get; }

    /// <summary>Where the server binaries were found, e.g. for running pgbench against this cluster.</summary>
    public string BinDirectory => _binaries.Directory;

    public static async Task<LocalPostgresCluster> StartAsync(LocalPostgresOptions options, ILogger logger, CancellationToken cancellationToken = default)
    {
        var binaries = PostgresBinaries.Find(options.BinDirectory);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        var runAs = RunAsUser(options);

        var password = await InitializeIfNeededAsync(binaries, dataDirectory, runAs, logger, cancellationToken);
        await StopLeftoverServerAsync(binaries, dataDirectory, runAs, logger, cancellationToken);

        var port = FreeLoopbackPort();
        await WriteSettingsAsync(options, dataDirectory, port, runAs, cancellationToken);
        var logFile = Path.Combine(dataDirectory, "log", "server.log");
        await binaries.RunAsync("pg_ctl", runAs, cancellationToken,
            "-D", dataDirectory, "-l", logFile, "-w", "-t", options.StartTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "start");

        var cluster = new LocalPostgresCluster(options, binaries, dataDirectory, port, password, logger);
        try
        {
            await cluster.EnsureDatabaseAsync(cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        logger.LogInformation("Private PostgreSQL cluster: data in {DataDirectory}, listening on 127.0.0.1:{Port}, database {Database}",
            dataDirectory, port, options.Database);
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        var runAs = RunAsUser(_options);
        try
        {
            NpgsqlConnection.ClearAllPools();
            await _binaries.RunAsync("pg_ctl", runAs, CancellationToken.None,
                "-D", DataDirectory, "-m", "fast", "-w", "-t", _options.StartTimeoutSeconds.ToString(CultureInfo.InvariantCulture), "stop");
            _logger.LogInformation("Private PostgreSQL cluster in {DataDirectory} stopped", DataDirectory);
        }
        catch (LocalPostgresException ex)
        {
            _logger.LogWarning(ex, "Stopping the private PostgreSQL cluster in {DataDirectory} failed", DataDirectory);
        }

        if (_options.DeleteOnStop)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException ex)
            {
                _logger.LogWarning(ex, "Could not remove {DataDirectory}", DataDirectory);
            }
        }
    }

    private static string? RunAsUser(LocalPostgresOptions options) =>
        string.Equals(Environment.UserName, "root", StringComparison.Ordinal) ? options.OsUser : null;

    private static async Task<string> InitializeIfNeededAsync(PostgresBinaries binaries, string dataDirectory, string? runAs, ILogger logger, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(dataDirectory, PasswordFileName);
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            if (!File.Exists(passwordFile))
            {
                throw new LocalPostgresException(
                    $"The cluster in {dataDirectory} has no {PasswordFileName}; it was not made by this service. " +
                    "Remove the folder to start afresh, or set LocalPostgres:DataDirectory elsewhere.");
            }

            return (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim();
        }

        logger.LogInformation("Creating a private PostgreSQL cluster in {DataDirectory}", dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        if (Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new LocalPostgresException($"{dataDirectory} is not empty and holds no PostgreSQL cluster; remove it or choose another LocalPostgres:DataDirectory.");
        }

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var initPasswordFile = Path.Combine(Path.GetTempPath(), $"callcontrol-pw-{Guid.NewGuid():N}");
        await WritePrivateFileAsync(initPasswordFile, password, cancellationToken);
        try
        {
            if (runAs is not null)
            {
                await ChownAsync(runAs, initPasswordFile, cancellationToken);
                await ChownAsync(runAs, dataDirectory, cancellationToken);
                await binaries.EnsureUserCanEnterAsync(runAs, dataDirectory, cancellationToken);
            }

            await binaries.RunAsync("initdb", runAs, cancellationToken,
                "-D", dataDirectory, "-U", SuperUser, "--pwfile", initPasswordFile,
                "--auth-local", "scram-sha-256", "--auth-host", "scram-sha-256",
                "-E", "UTF8", "--locale", "C", "--no-instructions");
        }
        finally
        {
            File.Delete(initPasswordFile);
        }

        Directory.CreateDirectory(Path.Combine(dataDirectory, "log"));
        await WritePrivateFileAsync(passwordFile, password, cancellationToken);
        await File.AppendAllTextAsync(Path.Combine(dataDirectory, "postgresql.conf"),
            $"{Environment.NewLine}include_if_exists = '{SettingsFileName}'{Environment.NewLine}", cancellationToken);
        if (runAs is not null)
        {
            await ChownAsync(runAs, Path.Combine(dataDirectory, "log"), cancellationToken);
            await ChownAsync(runAs, passwordFile, cancellationToken);
        }

        return password;
    }

    /// <summary>A server left running by a process that died is ours: stop it so it restarts on a fresh port.</summary>
    private static async Task StopLeftoverServerAsync(PostgresBinaries binaries, string dataDirectory, string? runAs, ILogger logger, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            return;
        }

        var status = await binaries.TryRunAsync("pg_ctl", runAs, cancellationToken, "-D", dataDirectory, "status");
        if (status.ExitCode == 0)
        {
            logger.LogWarning("A server from an earlier run is still up in {DataDirectory}; stopping it", dataDirectory);
            await binaries.RunAsync("pg_ctl", runAs, cancellationToken, "-D", dataDirectory, "-m", "fast", "-w", "stop");
        }
    }

    private static async Task WriteSettingsAsync(LocalPostgresOptions options, string dataDirectory, int port, string? runAs, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listen_addresses"] = "127.0.0.1",
            ["port"] = port.ToString(CultureInfo.InvariantCulture),
            // No Unix socket: the cluster is reached over loopback TCP only, with a password.
            ["unix_socket_directories"] = "",
        };
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        var path = Path.Combine(dataDirectory, SettingsFileName);
        // Every value is written quoted, so lists ("a,b"), units ("4ms") and empty strings need no care from callers.
        var lines = settings.Select(pair => $"{pair.Key} = '{pair.Value.Replace("'", "''", StringComparison.Ordinal)}'");
        await File.WriteAllLinesAsync(path, lines, cancellationToken);
        if (runAs is not null)
        {
            await ChownAsync(runAs, path, cancellationToken);
        }
    }

    private async Task EnsureDatabaseAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = _options.Database });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var name = new NpgsqlCommandBuilder().QuoteIdentifier(_options.Database);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Creates the file readable by its owner only from the start, never briefly open to others.</summary>
    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(content.AsMemory(), cancellationToken);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ChownAsync(string user, string path, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("chown", cancellationToken, "-R", user, path);
        if (result.ExitCode != 0)
        {
            throw new LocalPostgresException($"chown {user} {path} failed: {result.Output}");
        }
    }
}
