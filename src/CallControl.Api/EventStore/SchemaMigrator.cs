using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CallControl.Api.EventStore;

/// <summary>
/// Applies the versioned SQL scripts embedded in this assembly, in order, each once. A transaction-level
/// advisory lock serialises instances that start together, so the second one finds the work done.
/// </summary>
public static class SchemaMigrator
{
    private const string LockKey = "callcontrol:schema-migrations";

    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    /// <summary>A digest of every script, so a database made from older scripts is recognisable.</summary>
    public static string Fingerprint { get; } = Convert.ToHexString(SHA256.HashData(
        Encoding.UTF8.GetBytes(string.Join('\n', Migrations.Select(m => m.Name + "\n" + m.Sql))))).ToLowerInvariant()[..16];

    public static async Task<int> ApplyAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", cancellationToken, LockKey);
        await Execute(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            cancellationToken);

        var applied = new HashSet<int>();
        await using (var read = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        var count = 0;
        foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version)))
        {
            await Execute(connection, transaction, migration.Sql, cancellationToken);
            await Execute(connection, transaction, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", cancellationToken,
                migration.Version, migration.Name);
            logger.LogInformation("Applied schema migration {Version} {Name}", migration.Version, migration.Name);
            count++;
        }

        await transaction.CommitAsync(cancellationToken);
        return count;
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        const string marker = ".Migrations.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.Contains(marker, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var fileName = resource[(resource.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0 || !int.TryParse(fileName.AsSpan(0, separator), out var version))
            {
                throw new InvalidOperationException($"Migration resource {resource} is not named <version>_<name>.sql");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new Migration(version, fileName[(separator + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }
}

public sealed record Migration(int Version, string Name, string Sql);
