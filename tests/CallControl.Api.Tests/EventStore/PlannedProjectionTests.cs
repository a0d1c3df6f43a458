using CallControl.Api.EventStore;
using CallControl.Testing;
using Npgsql;

namespace CallControl.Api.Tests.EventStore;

/// <summary>
/// A projection that plans an append ahead: its commands travel with the events' insert, its reads see the
/// insert, and its last writes travel with the commit; all of it stands or falls with the append.
/// </summary>
public sealed class PlannedProjectionTests : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string Tenant = "t1";
    private readonly PostgresDatabase _database;
    private readonly PlanningProjection _projection = new();
    private LogProcess _process = null!;

    public PlannedProjectionTests(PostgresDatabase database) => _database = database;

    public async Task InitializeAsync()
    {
        await using var command = _database.DataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS test_planned (stream_id text NOT NULL, phase text NOT NULL, seen bigint NOT NULL);
            """);
        await command.ExecuteNonQueryAsync();
        _process = new LogProcess(_database, projections: _projection);
    }

    public async Task DisposeAsync() => await _process.DisposeAsync();

    private PostgresEventStore Store => _process.Store;

    [Fact]
    public async Task APlannedAppendWritesAheadReadsItsOwnInsertAndWritesAgainWithTheCommit()
    {
        await Store.AppendAsync(Tenant, "planned-1", "conversation", ExpectedVersion.NoStream, [LogProcess.Event(), LogProcess.Event()]);
        await Store.AppendAsync(Tenant, "planned-1", "conversation", ExpectedVersion.Exact(2), [LogProcess.Event()]);

        // The read in the insert's round trip counted the events just inserted.
        (await RowsAsync("planned-1")).ShouldBe([("ahead", 0L), ("ahead", 0L), ("commit", 2L), ("commit", 3L)]);
        _projection.Applied.ShouldBe(0);
    }

    [Fact]
    public async Task AnAppendRefusedForAStaleVersionLeavesNoneOfItsPlansRows()
    {
        await Store.AppendAsync(Tenant, "planned-2", "conversation", ExpectedVersion.NoStream, [LogProcess.Event(), LogProcess.Event()]);

        await Should.ThrowAsync<StreamConcurrencyException>(
            () => Store.AppendAsync(Tenant, "planned-2", "conversation", ExpectedVersion.Exact(1), [LogProcess.Event()]));

        (await RowsAsync("planned-2")).ShouldBe([("ahead", 0L), ("commit", 2L)]);
        (await Store.ReadStreamAsync(Tenant, "planned-2")).Count.ShouldBe(2);
    }

    [Fact]
    public async Task AnAppendToAnyVersionIsNotPlannedButAppliedAfterTheInsert()
    {
        await Store.AppendAsync(Tenant, "planned-3", "conversation", ExpectedVersion.Any, [LogProcess.Event()]);

        (await RowsAsync("planned-3")).ShouldBe([("applied", 1L)]);
        _projection.Applied.ShouldBe(1);
    }

    [Fact]
    public async Task AWriteThatFailsWithTheCommitRollsTheWholeAppendBack()
    {
        await Should.ThrowAsync<PostgresException>(
            () => Store.AppendAsync(Tenant, "planned-fail", "conversation", ExpectedVersion.NoStream, [LogProcess.Event()]));

        (await Store.ReadStreamAsync(Tenant, "planned-fail")).ShouldBeEmpty();
        (await Store.GetStreamVersionAsync(Tenant, "planned-fail")).ShouldBeNull();
        (await RowsAsync("planned-fail")).ShouldBeEmpty();

        // The connection went back to the pool usable: the next append on it commits.
        await Store.AppendAsync(Tenant, "planned-after", "conversation", ExpectedVersion.NoStream, [LogProcess.Event()]);
        (await Store.ReadStreamAsync(Tenant, "planned-after")).Count.ShouldBe(1);
    }

    private async Task<List<(string Phase, long Seen)>> RowsAsync(string streamId)
    {
        await using var command = _database.DataSource.CreateCommand("SELECT phase, seen FROM test_planned WHERE stream_id = $1 ORDER BY phase, seen");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    /// <summary>
    /// Ahead of an append it writes one row and counts the stream's events; with the commit it writes the count.
    /// A stream named "planned-fail" gets a commit-time write the table refuses (a null phase).
    /// </summary>
    private sealed class PlanningProjection : IInlineProjection
    {
        private int _applied;

        public int Applied => _applied;

        public string Name => "test-planning";

        public IReadOnlyList<string> Tables => ["test_planned"];

        public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _applied);
            await using var insert = new NpgsqlCommand("INSERT INTO test_planned (stream_id, phase, seen) VALUES ($1, 'applied', $2)", context.Connection, context.Transaction);
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = events[0].StreamId });
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events[^1].Version });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        public ValueTask<IPlannedProjection?> PlanAsync(ProjectionContext context, IReadOnlyList<StoredEvent> planned, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IPlannedProjection?>(new Plan(context, planned[0].TenantId, planned[0].StreamId));

        private sealed class Plan : IPlannedProjection
        {
            private readonly ProjectionContext _context;
            private readonly string _streamId;
            private long _seen;

            public Plan(ProjectionContext context, string tenantId, string streamId)
            {
                _context = context;
                _streamId = streamId;
                var ahead = new NpgsqlBatchCommand("INSERT INTO test_planned (stream_id, phase, seen) VALUES ($1, 'ahead', 0)");
                ahead.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
                var count = new NpgsqlBatchCommand("SELECT count(*) FROM events WHERE tenant_id = $1 AND stream_id = $2");
                count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
                count.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
                Commands = [ahead, count];
            }

            public IReadOnlyList<NpgsqlBatchCommand> Commands { get; }

            public async Task ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
            {
                (await reader.NextResultAsync(cancellationToken)).ShouldBeTrue();
                (await reader.ReadAsync(cancellationToken)).ShouldBeTrue();
                _seen = reader.GetInt64(0);
            }

            public Task FinishAsync(CancellationToken cancellationToken)
            {
                var write = new NpgsqlBatchCommand("INSERT INTO test_planned (stream_id, phase, seen) VALUES ($1, $2, $3)");
                write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _streamId });
                write.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = _streamId == "planned-fail" ? null : "commit", NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                write.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _seen });
                _context.AtCommit.ShouldNotBeNull().Add(write);
                return Task.CompletedTask;
            }
        }
    }
}
