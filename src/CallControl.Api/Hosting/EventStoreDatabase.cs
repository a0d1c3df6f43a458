using CallControl.Api.LocalPostgres;

namespace CallControl.Api.Hosting;

/// <summary>
/// The PostgreSQL server the service uses: the configured <c>ConnectionStrings:EventStore</c>, or else a
/// private cluster under <see cref="LocalPostgresOptions.DataDirectory"/> that lives as long as this object.
/// </summary>
public sealed class EventStoreDatabase : IAsyncDisposable
{
    public const string ConnectionStringName = "EventStore";

    private readonly LocalPostgresCluster? _cluster;

    private EventStoreDatabase(string connectionString, LocalPostgresCluster? cluster)
    {
        ConnectionString = connectionString;
        _cluster = cluster;
    }

    public string ConnectionString { get; }

    /// <summary>Whether this process started (and will stop) the server.</summary>
    public bool IsPrivateCluster => _cluster is not null;

    /// <exception cref="LocalPostgresException">No connection string is configured and no private cluster could be started.</exception>
    public static async Task<EventStoreDatabase> OpenAsync(IConfiguration configuration, ILogger logger, CancellationToken cancellationToken = default)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            logger.LogInformation("Using the PostgreSQL server from ConnectionStrings:{Name}", ConnectionStringName);
            return new EventStoreDatabase(configured, null);
        }

        var options = configuration.GetSection(LocalPostgresOptions.SectionName).Get<LocalPostgresOptions>() ?? new LocalPostgresOptions();
        if (!Path.IsPathRooted(options.DataDirectory))
        {
            options.DataDirectory = Path.Combine(WorkingRoot(), options.DataDirectory);
        }

        var cluster = await LocalPostgresCluster.StartAsync(options, logger, cancellationToken);
        return new EventStoreDatabase(cluster.ConnectionString, cluster);
    }

    /// <summary>
    /// Relative data folders are kept at the checkout's root (where CallControl.sln is), whichever project
    /// folder <c>dotnet run</c> starts in; elsewhere (an installed build) at the working directory.
    /// </summary>
    private static string WorkingRoot()
    {
        var start = Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CallControl.sln")))
            {
                return dir.FullName;
            }
        }

        return start;
    }

    public ValueTask DisposeAsync() => _cluster?.DisposeAsync() ?? ValueTask.CompletedTask;
}
