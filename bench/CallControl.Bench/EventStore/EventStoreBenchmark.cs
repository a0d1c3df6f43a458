using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CallControl.Api.EventStore;
using CallControl.Api.LocalPostgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CallControl.Bench.EventStore;

/// <summary>
/// Appends from 16 concurrent writers against pgbench doing the minimal equivalent SQL at the same
/// concurrency on the same cluster (10 s each, in alternating rounds), then a subscription catching up over 200,000 stored events.
/// </summary>
public static partial class EventStoreBenchmark
{
    private const int Writers = 16;
    private const int Streams = 1000;
    private const int CatchUpEvents = 200_000;
    private const int Rounds = 3;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    // No colon directly before a name: pgbench would read it as a variable.
    private const string Payload = """{"participantId": "p-1", "music": true}""";

    public static async Task<int> RunAsync()
    {
        var options = new LocalPostgresOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), $"callcontrol-bench-{Guid.NewGuid():N}"),
            DeleteOnStop = true,
            // Durable commits, as in production: every append waits for its WAL flush.
            Settings = { ["synchronous_commit"] = "on", ["max_connections"] = "100" },
        };
        await using var cluster = await LocalPostgresCluster.StartAsync(options, NullLogger.Instance);
        Console.WriteLine($"cluster: 127.0.0.1:{cluster.Port}, binaries {cluster.BinDirectory}, synchronous_commit=on");
        await using var dataSource = EventStoreDataSource.Create(cluster.ConnectionString);
        await SchemaMigrator.ApplyAsync(dataSource, NullLogger.Instance);
        await SeedStreamsAsync(dataSource, "bench");
        await SeedStreamsAsync(dataSource, "pgbench");

        var store = new PostgresEventStore(dataSource, [], new EventLogSignal());
        await AppendForAsync(store, WarmUp);

        // Rounds alternate so that drift in the machine's speed falls on both sides alike.
        var latencies = new List<double>();
        long appends = 0;
        var clientCpu = TimeSpan.Zero;
        var transactions = 0.0;
        for (var round = 1; round <= Rounds; round++)
        {
            await CheckpointAsync(dataSource);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var (roundAppends, roundLatencies) = await AppendForAsync(store, Duration);
            clientCpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            appends += roundAppends;
            latencies.AddRange(roundLatencies);

            await CheckpointAsync(dataSource);
            var tps = await RunPgbenchAsync(cluster);
            transactions += tps * Duration.TotalSeconds;
            Console.WriteLine(FormattableString.Invariant(
                $"round {round}: append {roundAppends / Duration.TotalSeconds:0} ev/s, pgbench {tps:0} tps"));
        }

        var seconds = Duration.TotalSeconds * Rounds;
        var appendRate = appends / seconds;
        var pgbenchTps = transactions / seconds;
        latencies.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"append: {appends} appends in {seconds:0} s by {Writers} writers over {Streams} streams: {appendRate:0} ev/s, p50 {Percentile(latencies, 0.50):0.00} ms, p99 {Percentile(latencies, 0.99):0.00} ms; client CPU {clientCpu.TotalMicroseconds / appends:0} µs per append"));
        Console.WriteLine(FormattableString.Invariant(
            $"pgbench: {pgbenchTps:0} tps (BEGIN; UPDATE streams … RETURNING version; INSERT INTO events …; END; {Writers} clients, prepared)"));

        var catchUpRate = await CatchUpAsync(cluster);
        Console.WriteLine(FormattableString.Invariant($"catch-up: {CatchUpEvents} events to a no-op handler: {catchUpRate:0} ev/s"));

        Console.WriteLine(FormattableString.Invariant(
            $"eventstore: append {appendRate:0} ev/s p99 {Percentile(latencies, 0.99):0.00} ms; pgbench-equivalent {pgbenchTps:0} tps; ratio {appendRate / pgbenchTps:0.00}; catchup {catchUpRate:0} ev/s"));
        return 0;
    }

    private static async Task SeedStreamsAsync(NpgsqlDataSource dataSource, string tenant)
    {
        await using var command = dataSource.CreateCommand("""
            WITH s AS (
                INSERT INTO streams (tenant_id, id, type, version)
                SELECT $1, 's' || n, 'conversation', 1 FROM generate_series(1, $2) AS n
                RETURNING id)
            INSERT INTO events (tenant_id, stream_id, version, id, type, data, metadata)
            SELECT $1, id, 1, gen_random_uuid(), 'ConversationStarted', '{}', '{}' FROM s
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Streams });
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(long Appends, List<double> LatenciesMs)> AppendForAsync(PostgresEventStore store, TimeSpan duration)
    {
        var metadata = new EventMetadata(CommandId: "bench", Actor: "bench");
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perWriter = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            var random = new Random(writer);
            var latencies = new List<double>(100_000);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var stream = "s" + random.Next(1, Streams + 1).ToString(CultureInfo.InvariantCulture);
                var started = Stopwatch.GetTimestamp();
                await store.AppendAsync("bench", stream, "conversation", ExpectedVersion.Any,
                    [new EventToAppend(Guid.CreateVersion7(), "ParticipantHoldRequested", Payload, metadata)]);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return latencies;
        })));
        var all = perWriter.SelectMany(l => l).ToList();
        return (all.Count, all);
    }

    private static async Task<double> RunPgbenchAsync(LocalPostgresCluster cluster)
    {
        var script = Path.Combine(Path.GetTempPath(), $"callcontrol-pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, $$"""
            \set sid random(1, {{Streams}})
            BEGIN;
            UPDATE streams SET version = version + 1, updated_at = now() WHERE tenant_id = 'pgbench' AND id = 's' || :sid RETURNING version \gset
            INSERT INTO events (tenant_id, stream_id, version, id, type, data, metadata) VALUES ('pgbench', 's' || :sid, :version, gen_random_uuid(), 'ParticipantHoldRequested', '{{Payload}}', '{"actor": "bench", "commandId": "bench"}');
            END;
            """);
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
            var info = new ProcessStartInfo(Path.Combine(cluster.BinDirectory, "pgbench"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "-n", "-M", "prepared", "-f", script, "-c", Writers.ToString(CultureInfo.InvariantCulture), "-j", "2",
                "-T", Duration.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                "-h", connection.Host!, "-p", connection.Port.ToString(CultureInfo.InvariantCulture), "-U", connection.Username!, connection.Database!,
            })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["PGPASSWORD"] = connection.Password;
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var match = TpsLine().Match(output);
            if (process.ExitCode != 0 || !match.Success)
            {
                throw new InvalidOperationException($"pgbench failed ({process.ExitCode}):\n{output}\n{errors}");
            }

            return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static async Task<double> CatchUpAsync(LocalPostgresCluster cluster)
    {
        var connection = new NpgsqlConnectionStringBuilder(cluster.ConnectionString);
        await using (var admin = new NpgsqlConnection(connection.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE catchup", admin);
            await create.ExecuteNonQueryAsync();
        }

        connection.Database = "catchup";
        await using var dataSource = EventStoreDataSource.Create(connection.ConnectionString);
        await SchemaMigrator.ApplyAsync(dataSource, NullLogger.Instance);

        // Many small transactions, as commands write them: 2,000 appends of 100 events over 200 streams.
        await using (var fill = dataSource.CreateCommand($$"""
            DO $$
            BEGIN
              FOR batch IN 0..{{CatchUpEvents / 100 - 1}} LOOP
                INSERT INTO events (tenant_id, stream_id, version, id, type, data, metadata)
                SELECT 'catchup', 's' || (batch % 200), (batch / 200) * 100 + n, gen_random_uuid(), 'ParticipantHoldRequested', '{{Payload}}', '{"actor":"bench"}'
                FROM generate_series(1, 100) AS n;
                COMMIT;
              END LOOP;
            END $$
            """))
        {
            fill.CommandTimeout = 600;
            await fill.ExecuteNonQueryAsync();
        }

        var handler = new CountingSubscription(CatchUpEvents);
        var runner = new SubscriptionRunner(dataSource, handler, new EventLogSignal(), new SubscriptionOptions(), NullLogger<SubscriptionRunner>.Instance);
        var started = Stopwatch.GetTimestamp();
        await runner.StartAsync(CancellationToken.None);
        await handler.Done;
        var elapsed = Stopwatch.GetElapsedTime(started);
        await runner.StopAsync(CancellationToken.None);
        runner.Dispose();
        return CatchUpEvents / elapsed.TotalSeconds;
    }

    private static async Task CheckpointAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("CHECKPOINT");
        await command.ExecuteNonQueryAsync();
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    /// <summary>Does nothing with the events but count them, and says when it has seen them all.</summary>
    private sealed class CountingSubscription : IEventSubscription
    {
        private readonly int _expected;
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _seen;

        public CountingSubscription(int expected) => _expected = expected;

        public string Name => "bench-catchup";

        public Task Done => _done.Task;

        public Task HandleAsync(SubscriptionBatch batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Add(ref _seen, batch.Events.Count) >= _expected)
            {
                _done.TrySetResult();
            }

            return Task.CompletedTask;
        }
    }
}
