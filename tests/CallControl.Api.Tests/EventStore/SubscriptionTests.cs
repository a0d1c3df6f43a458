using CallControl.Api.EventStore;
using CallControl.Testing;
using Npgsql;

namespace CallControl.Api.Tests.EventStore;

public sealed class SubscriptionTests : IClassFixture<PostgresDatabase>
{
    private const string Tenant = "t1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly PostgresDatabase _database;

    public SubscriptionTests(PostgresDatabase database) => _database = database;

    [Fact]
    public async Task AnEventIsNotDeliveredWhileAnEarlierTransactionIsStillOpen()
    {
        await using var process = new LogProcess(_database);
        var subscription = new RecordingSubscription("gap-commit");
        await process.StartRunnerAsync(subscription);
        var (first, release) = HoldAppendOpen(process, "gap-commit-a");

        await first.InTransaction;
        await process.Store.AppendAsync(Tenant, "gap-commit-b", "test", ExpectedVersion.NoStream, [LogProcess.Event("B")]);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Only(subscription.Delivered, "gap-commit-").ShouldBeEmpty("B committed, but A, which began first, is still open");

        release(true);
        await first.Append;
        var delivered = await subscription.WaitForAsync(d => Only(d, "gap-commit-").Count >= 2, Patience);

        Only(delivered, "gap-commit-").Select(e => e.Type).ShouldBe(["A", "B"]);
        await Task.Delay(300);
        Only(subscription.Delivered, "gap-commit-").Count.ShouldBe(2, "each event is delivered once");
    }

    [Fact]
    public async Task ARolledBackEarlierTransactionDoesNotStallTheSubscription()
    {
        await using var process = new LogProcess(_database);
        var subscription = new RecordingSubscription("gap-rollback");
        await process.StartRunnerAsync(subscription);
        var (first, release) = HoldAppendOpen(process, "gap-rollback-a");

        await first.InTransaction;
        await process.Store.AppendAsync(Tenant, "gap-rollback-b", "test", ExpectedVersion.NoStream, [LogProcess.Event("B")]);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Only(subscription.Delivered, "gap-rollback-").ShouldBeEmpty();

        release(false);
        await Should.ThrowAsync<InvalidOperationException>(first.Append);
        var delivered = await subscription.WaitForAsync(d => Only(d, "gap-rollback-").Count >= 1, TimeSpan.FromSeconds(5));

        Only(delivered, "gap-rollback-").Select(e => e.Type).ShouldBe(["B"]);
    }

    [Fact]
    public async Task AStoppedSubscriberResumesFromItsCheckpointWithoutLoss()
    {
        await EnsureSeenTableAsync();
        await using var process = new LogProcess(_database, new SubscriptionOptions { BatchSize = 10, PollInterval = TimeSpan.FromMilliseconds(100) });
        for (var i = 0; i < 300; i++)
        {
            await process.Store.AppendAsync(Tenant, $"resume-{i % 3}", "test", ExpectedVersion.Any, [LogProcess.Event()]);
        }

        var before = new RecordingSubscription("resume");
        before.OnBatch = async (batch, cancellationToken) =>
        {
            await MarkSeenAsync(batch, "resume");
            if (Only(before.Delivered, "resume-").Count >= 100)
            {
                // Stuck mid-way until the runner is stopped: this batch never commits.
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
        };
        var runner = await process.StartRunnerAsync(before);
        await before.WaitForAsync(d => Only(d, "resume-").Count >= 100, Patience);
        await process.StopRunnerAsync(runner);
        var handledBeforeStop = Only(before.Delivered, "resume-").Count;
        var checkpoint = await CheckpointAsync("resume");

        var after = new RecordingSubscription("resume") { OnBatch = (batch, _) => MarkSeenAsync(batch, "resume") };
        await process.StartRunnerAsync(after);
        await after.WaitForAsync(d => Only(d, "resume-").Count + handledBeforeStop >= 300, Patience);

        handledBeforeStop.ShouldBeLessThan(300);
        var all = Only(before.Delivered, "resume-").Concat(Only(after.Delivered, "resume-")).ToList();
        all.Select(e => e.Id).Distinct().Count().ShouldBe(300);
        all.Count.ShouldBe(300, "the stuck batch was never recorded, so nothing came twice");
        (await SettledSeenAsync("resume", 300)).ShouldBe((300L, 300L), "rows written with the checkpoint are written once");
        after.Delivered[0].Position.ShouldBeGreaterThan(checkpoint, "the new runner starts after the committed checkpoint");
        Only(before.Delivered, "resume-").Where(e => e.Position <= checkpoint).Select(e => e.Id)
            .Intersect(after.Delivered.Select(e => e.Id)).ShouldBeEmpty("nothing below the checkpoint comes again");
    }

    [Fact]
    public async Task BatchesThatWriteNothingMoveTheStoredCheckpointOnlyWhenTheRunnerStops()
    {
        // The whole log so far is the term's first batch.
        var options = new SubscriptionOptions { BatchSize = 100_000, PollInterval = TimeSpan.FromMilliseconds(100), CheckpointInterval = TimeSpan.FromMinutes(5) };
        await using var process = new LogProcess(_database, options);
        await process.Store.AppendAsync(Tenant, "lazy-stop-0", "test", ExpectedVersion.NoStream, [LogProcess.Event()]);
        var subscription = new RecordingSubscription("lazy-stop");
        var runner = await process.StartRunnerAsync(subscription);
        var first = (await subscription.WaitForAsync(d => Only(d, "lazy-stop-").Count == 1, Patience))[^1];
        var writtenFirst = await CheckpointAsync("lazy-stop");

        for (var i = 1; i <= 3; i++)
        {
            await process.Store.AppendAsync(Tenant, $"lazy-stop-{i}", "test", ExpectedVersion.NoStream, [LogProcess.Event()]);
            await subscription.WaitForAsync(d => Only(d, "lazy-stop-").Count == i + 1, Patience);
        }

        var last = Only(subscription.Delivered, "lazy-stop-")[^1];
        runner.Checkpoint.ShouldBe(last.Position);
        (await CheckpointAsync("lazy-stop")).ShouldBe(writtenFirst, "batches that opened no transaction wrote no checkpoint");
        writtenFirst.ShouldBeGreaterThanOrEqualTo(first.Position, "the term's first batch moves the stored checkpoint with it");

        await process.StopRunnerAsync(runner);

        (await CheckpointAsync("lazy-stop")).ShouldBe(last.Position, "a stopping runner writes what it handled");
    }

    [Fact]
    public async Task BatchesThatWriteNothingComeAgainWhenTheRunnerDiesBeforeWritingTheirCheckpoint()
    {
        var options = new SubscriptionOptions
        {
            BatchSize = 100_000,
            PollInterval = TimeSpan.FromMilliseconds(100),
            LeadershipRetryInterval = TimeSpan.FromMilliseconds(200),
            CheckpointInterval = TimeSpan.FromMinutes(5),
        };
        await using var first = new LogProcess(_database, options);
        await using var second = new LogProcess(_database, options);
        await first.Store.AppendAsync(Tenant, "lazy-crash-0", "test", ExpectedVersion.NoStream, [LogProcess.Event()]);
        var onFirst = new RecordingSubscription("lazy-crash");
        var firstRunner = await first.StartRunnerAsync(onFirst);
        await onFirst.WaitForAsync(d => Only(d, "lazy-crash-").Count == 1, Patience);
        var onSecond = new RecordingSubscription("lazy-crash");
        await second.StartRunnerAsync(onSecond);
        for (var i = 1; i <= 3; i++)
        {
            await first.Store.AppendAsync(Tenant, $"lazy-crash-{i}", "test", ExpectedVersion.NoStream, [LogProcess.Event()]);
        }

        await onFirst.WaitForAsync(d => Only(d, "lazy-crash-").Count == 4, Patience);
        firstRunner.IsLeader.ShouldBeTrue();

        // The lock connection breaks, as when the process dies: the checkpoint in memory is never written.
        await using (var kill = _database.DataSource.CreateCommand("""
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """))
        {
            await kill.ExecuteNonQueryAsync();
        }

        // Either instance may run the subscription next; both start from the stored checkpoint.
        List<StoredEvent> Both() => [.. Only(onFirst.Delivered, "lazy-crash-"), .. Only(onSecond.Delivered, "lazy-crash-")];
        await WaitUntilAsync(() => Both().Count >= 7);
        await Task.Delay(300);

        Both().GroupBy(e => e.StreamId).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}")
            .ShouldBe(["lazy-crash-0:1", "lazy-crash-1:2", "lazy-crash-2:2", "lazy-crash-3:2"], "the batches after the stored checkpoint came again, and only those");
    }

    [Fact]
    public async Task TheStoredCheckpointOfBatchesThatWriteNothingFollowsWithinTheInterval()
    {
        var options = new SubscriptionOptions { PollInterval = TimeSpan.FromMilliseconds(100), CheckpointInterval = TimeSpan.FromMilliseconds(300) };
        await using var process = new LogProcess(_database, options);
        var subscription = new RecordingSubscription("lazy-interval");
        var runner = await process.StartRunnerAsync(subscription);
        for (var i = 0; i < 5; i++)
        {
            await process.Store.AppendAsync(Tenant, $"lazy-interval-{i}", "test", ExpectedVersion.NoStream, [LogProcess.Event()]);
        }

        var last = (await subscription.WaitForAsync(d => Only(d, "lazy-interval-").Count == 5, Patience))[^1];

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (await CheckpointAsync("lazy-interval") < last.Position && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        (await CheckpointAsync("lazy-interval")).ShouldBe(last.Position, "the running runner wrote its checkpoint");
        runner.IsLeader.ShouldBeTrue();
    }

    [Fact]
    public async Task OfTwoRunnersOfOneSubscriptionOnlyOneProcessesAndTheOtherTakesOver()
    {
        await using var first = new LogProcess(_database);
        await using var second = new LogProcess(_database);
        var onFirst = new RecordingSubscription("leader");
        var onSecond = new RecordingSubscription("leader");
        var firstRunner = await first.StartRunnerAsync(onFirst);
        var secondRunner = await second.StartRunnerAsync(onSecond);

        for (var i = 0; i < 100; i++)
        {
            await (i % 2 == 0 ? first : second).Store.AppendAsync(Tenant, $"leader-{i % 4}", "test", ExpectedVersion.Any, [LogProcess.Event()]);
        }

        await WaitUntilAsync(() => Only(onFirst.Delivered, "leader-").Count + Only(onSecond.Delivered, "leader-").Count >= 100);
        (firstRunner.IsLeader ^ secondRunner.IsLeader).ShouldBeTrue("exactly one runner holds the lock");
        var (leader, leaderProcess, standby, standbySubscription) = firstRunner.IsLeader
            ? (firstRunner, first, secondRunner, onSecond)
            : (secondRunner, second, firstRunner, onFirst);
        Only(standbySubscription.Delivered, "leader-").ShouldBeEmpty();

        await leaderProcess.StopRunnerAsync(leader);
        var checkpoint = await CheckpointAsync("leader");
        for (var i = 0; i < 20; i++)
        {
            await first.Store.AppendAsync(Tenant, "leader-late", "test", ExpectedVersion.Any, [LogProcess.Event()]);
        }

        await standbySubscription.WaitForAsync(d => Only(d, "leader-late").Count >= 20, Patience);
        standby.IsLeader.ShouldBeTrue();
        Only(standbySubscription.Delivered, "leader-").ShouldAllBe(e => e.Position > checkpoint, "the standby starts at the shared checkpoint");
    }

    [Fact]
    public async Task AnAppendInAnotherProcessWakesTheSubscriberWithoutPolling()
    {
        var slowPolling = new SubscriptionOptions { PollInterval = TimeSpan.FromMinutes(5), LeadershipRetryInterval = TimeSpan.FromMilliseconds(200) };
        await using var reader = new LogProcess(_database, slowPolling);
        await using var writer = new LogProcess(_database);
        var subscription = new RecordingSubscription("wake");
        var runner = await reader.StartRunnerAsync(subscription);
        await WaitUntilAsync(() => runner.IsLeader);
        await Task.Delay(500);

        await writer.Store.AppendAsync(Tenant, "wake-1", "test", ExpectedVersion.NoStream, [LogProcess.Event()]);

        await subscription.WaitForAsync(d => Only(d, "wake-").Count == 1, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task AFailingHandlerGetsTheSameBatchAgainAndNothingIsSkipped()
    {
        await EnsureSeenTableAsync();
        await using var process = new LogProcess(_database);
        var failures = 0;
        var subscription = new RecordingSubscription("flaky");
        subscription.OnBatch = async (batch, _) =>
        {
            await MarkSeenAsync(batch, "flaky");
            if (Only(batch.Events, "flaky-").Count > 0 && Interlocked.Increment(ref failures) <= 2)
            {
                throw new InvalidOperationException("handler failed");
            }
        };
        await process.StartRunnerAsync(subscription);

        for (var i = 0; i < 5; i++)
        {
            await process.Store.AppendAsync(Tenant, "flaky-1", "test", ExpectedVersion.Any, [LogProcess.Event()]);
        }

        await subscription.WaitForAsync(d => Only(d, "flaky-").Select(e => e.Id).Distinct().Count() == 5, Patience);
        failures.ShouldBeGreaterThan(2);
        (await SettledSeenAsync("flaky", 5)).ShouldBe((5L, 5L), "the failed attempts rolled back their rows");
    }

    private static List<StoredEvent> Only(IEnumerable<StoredEvent> events, string streamPrefix) =>
        events.Where(e => e.StreamId.StartsWith(streamPrefix, StringComparison.Ordinal)).ToList();

    /// <summary>Starts an append that stays inside its transaction until released (to commit, or to fail).</summary>
    private static ((Task InTransaction, Task Append) First, Action<bool> Release) HoldAppendOpen(LogProcess process, string stream)
    {
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var append = process.Store.AppendAsync(Tenant, stream, "test", ExpectedVersion.NoStream, [LogProcess.Event("A")], async (_, _) =>
        {
            inside.SetResult();
            if (!await gate.Task)
            {
                throw new InvalidOperationException("the first transaction rolls back");
            }
        });
        return ((inside.Task, append), commit => gate.SetResult(commit));
    }

    private async Task EnsureSeenTableAsync()
    {
        await using var command = _database.DataSource.CreateCommand("CREATE TABLE IF NOT EXISTS test_seen (subscription text NOT NULL, event_id uuid NOT NULL)");
        await command.ExecuteNonQueryAsync();
    }

    private static async Task MarkSeenAsync(SubscriptionBatch batch, string subscription)
    {
        await using var command = new NpgsqlCommand("INSERT INTO test_seen (subscription, event_id) SELECT $1, unnest($2::uuid[])", batch.Connection, await batch.BeginAsync(CancellationToken.None));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscription });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = Only(batch.Events, subscription + "-").Select(e => e.Id).ToArray() });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Handlers record events before their transaction commits: wait for the rows, then a little longer.</summary>
    private async Task<(long Rows, long Distinct)> SettledSeenAsync(string subscription, long expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        while ((await SeenAsync(subscription)).Rows < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(200);
        return await SeenAsync(subscription);
    }

    private async Task<(long Rows, long Distinct)> SeenAsync(string subscription)
    {
        await using var command = _database.DataSource.CreateCommand("SELECT count(*), count(DISTINCT event_id) FROM test_seen WHERE subscription = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscription });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<LogPosition> CheckpointAsync(string subscription)
    {
        await using var command = _database.DataSource.CreateCommand("SELECT tx_id, seq FROM subscriptions WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = subscription });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(20);
        }
    }
}
