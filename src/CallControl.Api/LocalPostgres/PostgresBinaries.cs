using System.Globalization;

namespace CallControl.Api.LocalPostgres;

/// <summary>The machine's PostgreSQL server programs (initdb, pg_ctl, pgbench …) in one folder.</summary>
public sealed class PostgresBinaries
{
    private PostgresBinaries(string directory) => Directory = directory;

    public string Directory { get; }

    public string PathOf(string program) => System.IO.Path.Combine(Directory, program);

    /// <summary>
    /// Looks in the configured folder, then Debian's versioned folders (newest first), then PATH.
    /// </summary>
    public static PostgresBinaries Find(string? configured)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(configured))
        {
            candidates.Add(configured);
        }
        else
        {
            const string debianRoot = "/usr/lib/postgresql";
            if (System.IO.Directory.Exists(debianRoot))
            {
                candidates.AddRange(System.IO.Directory.GetDirectories(debianRoot)
                    .OrderByDescending(dir => int.TryParse(System.IO.Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
                    .Select(dir => System.IO.Path.Combine(dir, "bin")));
            }

            candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        }

        foreach (var dir in candidates)
        {
            if (File.Exists(System.IO.Path.Combine(dir, "initdb")) && File.Exists(System.IO.Path.Combine(dir, "pg_ctl")))
            {
                return new PostgresBinaries(dir);
            }
        }

        throw new LocalPostgresException(
            "No PostgreSQL server binaries (initdb, pg_ctl) were found" +
            (string.IsNullOrWhiteSpace(configured) ? " in /usr/lib/postgresql/*/bin or on PATH" : $" in {configured}") +
            ". Install them (Debian: apt-get install postgresql), set LocalPostgres:BinDirectory, " +
            "or point the service at an existing server with ConnectionStrings:EventStore " +
            "(environment: ConnectionStrings__EventStore=\"Host=127.0.0.1;Port=5432;Username=…;Password=…;Database=callcontrol\").");
    }

    public async Task RunAsync(string program, string? runAs, CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await TryRunAsync(program, runAs, cancellationToken, arguments);
        if (result.ExitCode != 0)
        {
            throw new LocalPostgresException($"{program} {string.Join(' ', arguments)} failed with exit code {result.ExitCode}: {result.Output.Trim()}");
        }
    }

    public Task<ProcessResult> TryRunAsync(string program, string? runAs, CancellationToken cancellationToken, params string[] arguments)
    {
        var path = PathOf(program);
        return runAs is null
            ? ProcessRunner.RunAsync(path, cancellationToken, arguments)
            : ProcessRunner.RunAsync("runuser", cancellationToken, ["-u", runAs, "--", path, .. arguments]);
    }

    /// <summary>The server user must be able to reach its data folder through every parent folder.</summary>
    public async Task EnsureUserCanEnterAsync(string user, string directory, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync("runuser", cancellationToken, "-u", user, "--", "test", "-w", directory);
        if (result.ExitCode != 0)
        {
            throw new LocalPostgresException(
                $"The server runs as the '{user}' user, which cannot write to {directory} (a parent folder is closed to it). " +
                "Set LocalPostgres:DataDirectory to a folder it can reach, or use ConnectionStrings:EventStore.");
        }
    }
}
