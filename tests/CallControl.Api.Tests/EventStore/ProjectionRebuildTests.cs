using CallControl.Api.EventStore;
using CallControl.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CallControl.Api.Tests.EventStore;

public sealed class ProjectionRebuildTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase _database;

    public ProjectionRebuildTests(PostgresDatabase database) => _database = database;

    [Fact]
    public async Task ARebuildWhileAppendsContinueEndsEqualToTheLog()
    {
        await using (var create = _database.DataSource.CreateCommand(
            "CREATE TABLE test_stream_catalog (stream_id text PRIMARY KEY, events int NOT NULL, last_type text NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var projection = new StreamCatalogProjection();
        await using var process = new LogProcess(_database, projections: projection);
        for (var i = 0; i < 200; i++)
        {
            await process.Store.AppendAsync("t1", $"catalog-{i % 10}", "test", ExpectedVersion.Any, [LogProcess.Event($"T{i}")]);
        }

        await using (var corrupt = _database.DataSource.CreateCommand(
            "DELETE FROM test_stream_catalog WHERE stream_id = 'catalog-0'; UPDATE test_stream_catalog SET events = 999 WHERE stream_id = 'catalog-1'"))
        {
            await corrupt.ExecuteNonQueryAsync();
        }

        using var stop = new CancellationTokenSource();
        var appended = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested || i < 50; i++)
            {
                await process.Store.AppendAsync("t1", $"catalog-{i % 12}", "test", ExpectedVersion.Any, [LogProcess.Event($"U{i}")]);
                Interlocked.Increment(ref appended);
            }
        });

        var rebuilder = new ProjectionRebuilder(process.DataSource, NullLogger<ProjectionRebuilder>.Instance);
        var projected = await rebuilder.RebuildAsync(projection);
        await rebuilder.RebuildAsync(projection);
        await stop.CancelAsync();
        await writer;

        projected.ShouldBeGreaterThanOrEqualTo(200);
        (await CatalogAsync("SELECT stream_id, events, last_type FROM test_stream_catalog"))
            .ShouldBe(await CatalogAsync("""
                SELECT stream_id, count(*)::int, (array_agg(type ORDER BY version DESC))[1]
                FROM events WHERE stream_id LIKE 'catalog-%' GROUP BY stream_id
                """));
        await using var leftover = _database.DataSource.CreateCommand("SELECT to_regclass('test_stream_catalog_rebuild') IS NULL");
        (await leftover.ExecuteScalarAsync()).ShouldBe(true);
    }

    private async Task<List<string>> CatalogAsync(string sql)
    {
        await using var command = _database.DataSource.CreateCommand(sql + " ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add($"{reader.GetString(0)}:{reader.GetInt32(1)}:{reader.GetString(2)}");
        }

        return rows;
    }

    /// <summary>Per stream: how many events it has and the type of the last one.</summary>
    private sealed class StreamCatalogProjection : IInlineProjection
    {
        public string Name => "test-stream-catalog";

        public IReadOnlyList<string> Tables => ["test_stream_catalog"];

        public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            foreach (var @event in events)
            {
                var table = context.Tables["test_stream_catalog"];
                await using var upsert = new NpgsqlCommand($"""
                    INSERT INTO {table} AS c (stream_id, events, last_type) VALUES ($1, 1, $2)
                    ON CONFLICT (stream_id) DO UPDATE SET events = c.events + 1, last_type = excluded.last_type
                    """, context.Connection, context.Transaction);
                upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = @event.StreamId });
                upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = @event.Type });
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
