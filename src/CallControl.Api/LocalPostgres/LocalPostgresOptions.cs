namespace CallControl.Api.LocalPostgres;

/// <summary>
/// How the private PostgreSQL cluster is created and started when no connection string is configured.
/// Bound from the <c>LocalPostgres</c> configuration section.
/// </summary>
public sealed class LocalPostgresOptions
{
    public const string SectionName = "LocalPostgres";

    /// <summary>Where the cluster lives; relative paths are resolved against the working directory.</summary>
    public string DataDirectory { get; set; } = ".data/postgres";

    /// <summary>The folder holding initdb and pg_ctl; found automatically when empty.</summary>
    public string? BinDirectory { get; set; }

    /// <summary>The server refuses to run as root, so a root process runs it as this user.</summary>
    public string OsUser { get; set; } = "postgres";

    public string Database { get; set; } = "callcontrol";

    /// <summary>Seconds pg_ctl waits for the server to start or stop.</summary>
    public int StartTimeoutSeconds { get; set; } = 60;

    /// <summary>Extra server settings written to the cluster's configuration at each start (values unquoted; the writer quotes them).</summary>
    public Dictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Remove the data directory when the cluster stops (test and benchmark clusters).</summary>
    public bool DeleteOnStop { get; set; }
}
