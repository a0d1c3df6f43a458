using CallControl.Api.EventStore;
using CallControl.Testing;
using Npgsql;

namespace CallControl.Api.Tests.EventStore;

public sealed class AppendTests : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Tenant = "t1";
    private readonly PostgresDatabase _database;
    private LogProcess _process = null!;

    public AppendTests(PostgresDatabase database) => _database = database;

    public async Task InitializeAsync()
    {
        await using var command = _database.DataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS test_markers (stream_id text NOT NULL, event_id uuid NOT NULL);
            CREATE TABLE IF NOT EXISTS test_side_rows (note text NOT NULL);
            """);
        await command.ExecuteNonQueryAsync();
        _process = new LogProcess(_database, projections: new MarkerProjection());
    }

    public async Task DisposeAsync() => await _process.DisposeAsync();

    private PostgresEventStore Store => _process.Store;

    [Fact]
    public async Task AppendingToANewStreamNumbersItsEventsFromOne()
    {
        var events = new[] { LogProcess.Event("A"), LogProcess.Event("B"), LogProcess.Event("C") };

        var result = await Store.AppendAsync(Tenant, "new-1", "conversation", ExpectedVersion.NoStream, events);

        result.Version.ShouldBe(3);
        result.AlreadyAppended.ShouldBeFalse();
        result.Events.Select(e => e.Version).ShouldBe([1L, 2L, 3L]);
        var stored = await Store.ReadStreamAsync(Tenant, "new-1");
        stored.Select(e => (e.Id, e.Type, e.Version)).ShouldBe(events.Select((e, i) => (e.Id, e.Type, (long)i + 1)));
        stored[0].Metadata.ShouldBe(new EventMetadata(CommandId: "cmd", Actor: "test"));
        stored[0].Data.ShouldContain("\"value\": 1");
        (await Store.GetStreamVersionAsync(Tenant, "new-1")).ShouldBe(3);
    }

    [Fact]
    public async Task AppendingExpectingNoStreamFailsWhenTheStreamExists()
    {
        await Store.AppendAsync(Tenant, "exists-1", "conversation", ExpectedVersion.NoStream, [LogProcess.Event(), LogProcess.Event()]);

        var error = await Should.ThrowAsync<StreamConcurrencyException>(
            () => Store.AppendAsync(Tenant, "exists-1", "conversation", ExpectedVersion.NoStream, [LogProcess.Event()]));

        error.StreamId.ShouldBe("exists-1");
        error.Expected.ShouldBe(ExpectedVersion.NoStream);
        error.Actual.ShouldBe(2);
    }

    [Fact]
    public async Task AppendingAtAStaleVersionFailsWithTheActualVersionAndWritesNothing()
    {
        await Store.AppendAsync(Tenant, "stale-1", "conversation", ExpectedVersion.NoStream, [LogProcess.Event(), LogProcess.Event(), LogProcess.Event()]);

        var error = await Should.ThrowAsync<StreamConcurrencyException>(
            () => Store.AppendAsync(Tenant, "stale-1", "conversation", ExpectedVersion.Exact(2), [LogProcess.Event()]));

        error.Expected.ShouldBe(ExpectedVersion.Exact(2));
        error.Actual.ShouldBe(3);
        (await Store.ReadStreamAsync(Tenant, "stale-1")).Count.ShouldBe(3);
    }

    [Fact]
    public async Task AppendingAtAnExactVersionOfAMissingStreamReportsVersionZero()
    {
        var error = await Should.ThrowAsync<StreamConcurrencyException>(
            () => Store.AppendAsync(Tenant, "missing-1", "conversation", ExpectedVersion.Exact(4), [LogProcess.Event()]));

        error.Actual.ShouldBe(0);
    }

    [Fact]
    public async Task AppendingWithAnyExpectationAddsToTheEnd()
    {
        await Store.AppendAsync(Tenant, "any-1", "conversation", ExpectedVersion.Any, [LogProcess.Event()]);
        var result = await Store.AppendAsync(Tenant, "any-1", "conversation", ExpectedVersion.Any, [LogProcess.Event(), LogProcess.Event()]);

        result.Version.ShouldBe(3);
        result.Events.Select(e => e.Version).ShouldBe([2L, 3L]);
    }

    [Fact]
    public async Task StreamsOfDifferentTenantsWithTheSameIdAreSeparate()
    {
        await Store.AppendAsync("tenant-a", "shared-id", "conversation", ExpectedVersion.NoStream, [LogProcess.Event()]);
        await Store.AppendAsync("tenant-b", "shared-id", "conversation", ExpectedVersion.NoStream, [LogProcess.Event(), LogProcess.Event()]);

        (await Store.ReadStreamAsync("tenant-a", "shared-id")).Count.ShouldBe(1);
        (await Store.ReadStreamAsync("tenant-b", "shared-id")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task OfTwoConcurrentAppendersToOneStreamExactlyOneWins()
    {
        await Store.AppendAsync(Tenant, "race-1", "conversation", ExpectedVersion.NoStream, [LogProcess.Event()]);
        await using var rival = new LogProcess(_database);

        for (var round = 1; round <= 25; round++)
        {
            using var start = new Barrier(2);
            var attempts = new[] { Store, rival.Store }.Select(store => Task.Run(async () =>
            {
                start.SignalAndWait();
                try
                {
                    await store.AppendAsync(Tenant, "race-1", "conversation", ExpectedVersion.Exact(round), [LogProcess.Event()]);
                    return (Exception?)null;
                }
                catch (StreamConcurrencyException ex)
                {
                    return ex;
                }
            })).ToArray();

            var outcomes = await Task.WhenAll(attempts);

            outcomes.Count(o => o is null).ShouldBe(1, $"round {round}");
            var loser = outcomes.OfType<StreamConcurrencyException>().ShouldHaveSingleItem();
            loser.Expected.ShouldBe(ExpectedVersion.Exact(round));
            loser.Actual.ShouldBe(round + 1);
        }

        (await Store.ReadStreamAsync(Tenant, "race-1")).Select(e => e.Version).ShouldBe(Enumerable.Range(1, 26).Select(v => (long)v));
    }

    [Fact]
    public async Task ReappendingTheSameEventIdsChangesNothing()
    {
        var events = new[] { LogProcess.Event("A"), LogProcess.Event("B") };
        var first = await Store.AppendAsync(Tenant, "retry-1", "conversation", ExpectedVersion.NoStream, events);

        var repeatAtSameExpectation = await Store.AppendAsync(Tenant, "retry-1", "conversation", ExpectedVersion.NoStream, events);
        var repeatAtCurrentVersion = await Store.AppendAsync(Tenant, "retry-1", "conversation", ExpectedVersion.Exact(2), events);

        foreach (var repeat in new[] { repeatAtSameExpectation, repeatAtCurrentVersion })
        {
            repeat.AlreadyAppended.ShouldBeTrue();
            repeat.Version.ShouldBe(2);
            repeat.Events.Select(e => e.Seq).ShouldBe(first.Events.Select(e => e.Seq));
        }

        (await Store.ReadStreamAsync(Tenant, "retry-1")).Count.ShouldBe(2);
        (await Store.GetStreamVersionAsync(Tenant, "retry-1")).ShouldBe(2);
    }

    [Fact]
    public async Task ProjectionRowsAndTheCallersRowsCommitWithTheEvents()
    {
        await Store.AppendAsync(Tenant, "inline-1", "conversation", ExpectedVersion.NoStream, [LogProcess.Event(), LogProcess.Event()],
            (context, ct) => InsertSideRowAsync(context, "inline-1", ct));

        (await CountAsync("SELECT count(*) FROM test_markers WHERE stream_id = 'inline-1'")).ShouldBe(2);
        (await CountAsync("SELECT count(*) FROM test_side_rows WHERE note = 'inline-1'")).ShouldBe(1);
    }

    [Fact]
    public async Task WhenTheCallerFailsInsideTheTransactionNothingIsWritten()
    {
        await Should.ThrowAsync<InvalidOperationException>(() => Store.AppendAsync(Tenant, "inline-2", "conversation", ExpectedVersion.NoStream,
            [LogProcess.Event()],
            async (context, ct) =>
            {
                await InsertSideRowAsync(context, "inline-2", ct);
                throw new InvalidOperationException("caller failed");
            }));

        (await Store.GetStreamVersionAsync(Tenant, "inline-2")).ShouldBeNull();
        (await Store.ReadStreamAsync(Tenant, "inline-2")).ShouldBeEmpty();
        (await CountAsync("SELECT count(*) FROM test_markers WHERE stream_id = 'inline-2'")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM test_side_rows WHERE note = 'inline-2'")).ShouldBe(0);
    }

    [Fact]
    public async Task ManyConcurrentWritersKeepEveryStreamGapless()
    {
        var writers = Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                await Store.AppendAsync(Tenant, $"busy-{i % 5}", "conversation", ExpectedVersion.Any, [LogProcess.Event()]);
            }
        }));

        await Task.WhenAll(writers);

        for (var stream = 0; stream < 5; stream++)
        {
            var versions = (await Store.ReadStreamAsync(Tenant, $"busy-{stream}")).Select(e => e.Version);
            versions.ShouldBe(Enumerable.Range(1, 128).Select(v => (long)v));
        }
    }

    private static async Task InsertSideRowAsync(AppendContext context, string note, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("INSERT INTO test_side_rows (note) VALUES ($1)", context.Connection, context.Transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = note });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _database.DataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Writes one row per event into test_markers, inside the append transaction.</summary>
    private sealed class MarkerProjection : IInlineProjection
    {
        public string Name => "test-markers";

        public IReadOnlyList<string> Tables => ["test_markers"];

        public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            foreach (var @event in events)
            {
                await using var insert = new NpgsqlCommand($"INSERT INTO {context.Tables["test_markers"]} (stream_id, event_id) VALUES ($1, $2)", context.Connection, context.Transaction);
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = @event.StreamId });
                insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = @event.Id });
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
