using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using CallControl.Domain.Media;
using MassTransit;
using Npgsql;

namespace CallControl.Bench.Webhooks;

/// <summary>
/// 50 agents on connected conversations, 10 subscriptions to conversationUpdate with a loopback receiver each,
/// and a steady stream of hold/resume/mute/unmute commands, each confirmed by its media fact over the bus as
/// the worker does, for 15 s (after a 30 s warm-up) at a rate that asks for the goal's 2,000+ deliveries/s
/// (an open loop: commands go out on schedule whatever the answers take, so a slow service shows as
/// latency, not as a lower rate). Latency runs from the commit of the append that made a
/// desk update (PostgreSQL's commit timestamp of its transaction) to the receiver's arrival, on the same
/// clock; every message is checked to arrive, and each agent's sequence to arrive in order.
/// </summary>
public static class WebhookBenchmark
{
    private const int Agents = 50;
    private const int Subscriptions = 10;
    private const int Clients = 32;

    /// <summary>
    /// Commands per second by default. Each command and the media fact that confirms it change one agent's
    /// desk, so 10 subscriptions get 20 messages per command.
    /// </summary>
    public const int DefaultCommandRate = 110;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);
    private static readonly string[] Actions = ["hold", "resume", "mute", "unmute"];
    private const string MediaWorker = "bench-media";

    public static async Task<int> RunAsync(int commandRate = DefaultCommandRate)
    {
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string> { ["Webhooks:Destinations:AllowPrivateNetworks"] = "true" });
        var receivers = new List<Receiver>();
        for (var i = 0; i < Subscriptions; i++)
        {
            receivers.Add(await Receiver.StartAsync());
        }

        using var setup = host.NewClient();
        foreach (var receiver in receivers)
        {
            (await setup.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "conversationUpdate" } })).EnsureSuccessStatusCode();
        }

        var conversations = await host.ConnectedConversationsAsync(setup, Agents);
        Console.WriteLine($"setup: {Agents} agents on connected conversations, {Subscriptions} subscriptions with a loopback receiver each");
        await WaitForQuietAsync(host, receivers);

        // Warm-up: the same stream for a while first, so the measurement sees a service whose code is compiled
        // for steady state (tiered compilation) and whose tables and pools are warm, as in production.
        var clients = Enumerable.Range(0, Clients).Select(_ => host.NewClient()).ToArray();
        var bus = host.Services.GetRequiredService<IBus>();
        var warmUp = await DriveAsync(clients, bus, conversations, commandRate, WarmUp, 0);
        await WaitForQuietAsync(host, receivers);
        Console.WriteLine(FormattableString.Invariant($"warm-up: {warmUp.Accepted} commands at {commandRate}/s for {WarmUp.TotalSeconds:0} s"));
        await host.ResetStatementsAsync();
        var before = receivers.Sum(r => r.Count);
        var firstMeasured = await MaxDeliveryIdAsync(host);

        var pausedBefore = GC.GetTotalPauseDuration();
        var collectionsBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var measuredFrom = DateTimeOffset.UtcNow;
        var run = await DriveAsync(clients, bus, conversations, commandRate, Duration, warmUp.Total);
        var measuredTo = DateTimeOffset.UtcNow;
        var (started, total) = (run.Started, run.Total);
        var commands = run.Accepted;

        var expected = await WaitForQuietAsync(host, receivers);
        Console.WriteLine(FormattableString.Invariant(
            $"gc: {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:0} ms paused; collections gen0 {GC.CollectionCount(0) - collectionsBefore.Item1}, gen1 {GC.CollectionCount(1) - collectionsBefore.Item2}, gen2 {GC.CollectionCount(2) - collectionsBefore.Item3}"));
        var elapsed = receivers.Max(r => r.LastArrival) - started;
        var received = receivers.Sum(r => r.Count) - before;
        var committed = await CommitTimesAsync(host);
        var latencies = new List<double>();
        foreach (var message in receivers.SelectMany(r => r.Messages))
        {
            if (committed.TryGetValue(message.MessageId, out var commit) && commit >= measuredFrom && commit <= measuredTo)
            {
                latencies.Add((message.ArrivedAt - commit).TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"latency: p90 {BenchHost.Percentile(latencies, 0.90):0.0} ms, p95 {BenchHost.Percentile(latencies, 0.95):0.0} ms, p99.9 {BenchHost.Percentile(latencies, 0.999):0.0} ms, max {latencies[^1]:0.0} ms"));
        await PrintStagesAsync(host, firstMeasured);
        await host.PrintStatementsAsync();
        var lost = expected - receivers.Sum(r => r.Count);
        var outOfOrder = receivers.Sum(r => r.OutOfOrder);
        var rate = received / (elapsed / (double)Stopwatch.Frequency);
        Console.WriteLine(FormattableString.Invariant(
            $"commands: {commands} accepted of {total} sent at {commandRate}/s for {Duration.TotalSeconds:0} s; deliveries: {received} ({latencies.Count} timed from their commit), queued {expected}"));
        Console.WriteLine(FormattableString.Invariant(
            $"webhooks: {rate:0} deliveries/s p50 {BenchHost.Percentile(latencies, 0.50):0.0} ms p99 {BenchHost.Percentile(latencies, 0.99):0.0} ms; lost {lost}; out-of-order {outOfOrder}"));

        foreach (var client in clients)
        {
            client.Dispose();
        }

        foreach (var receiver in receivers)
        {
            await receiver.DisposeAsync();
        }

        return lost == 0 && outOfOrder == 0 ? 0 : 1;
    }

    /// <summary>
    /// Sends the open-loop command stream: command n at its scheduled time whatever earlier answers took. Each
    /// conversation gets its commands in turn, hold → resume → mute → unmute, so every one changes what its
    /// agent sees (a random pick would often repeat a pending change: a no-op, no message). <paramref name="offset"/>
    /// continues the turn order of an earlier stream.
    /// </summary>
    private static async Task<Stream> DriveAsync(
        HttpClient[] clients, IBus bus, IReadOnlyList<BenchConversation> conversations, int rate, TimeSpan duration, int offset)
    {
        var started = Stopwatch.GetTimestamp();
        var total = (int)(rate * duration.TotalSeconds);
        var next = -1;
        var accepted = await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            var count = 0;
            for (var n = Interlocked.Increment(ref next); n < total; n = Interlocked.Increment(ref next))
            {
                var requested = started + (long)(n * (double)Stopwatch.Frequency / rate);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), requested);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                var turn = offset + n;
                var conversation = conversations[turn % conversations.Count];
                var action = Actions[turn / conversations.Count % Actions.Length];
                using var response = await client.PostAsync($"/api/v1/conversations/{conversation.ConversationId}/participants/{conversation.CustomerLeg}/{action}", null);
                if ((int)response.StatusCode == StatusCodes.Status202Accepted)
                {
                    // The media worker's answer, over the bus as the worker sends it: the change is done.
                    await bus.Publish(Confirmation(action, conversation));
                    count++;
                }
            }

            return count;
        })));
        return new Stream(started, total, accepted.Sum());
    }

    private static object Confirmation(string action, BenchConversation conversation)
    {
        var (tenant, id, leg, at) = (BenchHost.Tenant, conversation.ConversationId, conversation.CustomerLeg, DateTimeOffset.UtcNow);
        return action switch
        {
            "hold" => new LegHeld(tenant, id, leg, MediaWorker, at),
            "resume" => new LegResumed(tenant, id, leg, MediaWorker, at),
            "mute" => new LegMuted(tenant, id, leg, MediaWorker, at),
            _ => new LegUnmuted(tenant, id, leg, MediaWorker, at),
        };
    }

    private static async Task<long> MaxDeliveryIdAsync(BenchHost host)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT coalesce(max(id), 0) FROM webhook_deliveries");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>When each desk update's append committed, by the update's webhook-id.</summary>
    private static async Task<Dictionary<string, DateTimeOffset>> CommitTimesAsync(BenchHost host)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT agent_id, sequence, pg_xact_commit_timestamp(xmin) FROM agent_desk_updates");
        var times = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            times[$"cu_{reader.GetString(0)}_{reader.GetInt64(1)}"] = reader.GetFieldValue<DateTimeOffset>(2);
        }

        return times;
    }

    /// <summary>
    /// Where the time goes: from the append's commit to the start of the fan-out transaction that queued the
    /// message (reading), and from there to the start of the attempt that delivered it (queueing and handing
    /// over); the rest is the HTTP request itself.
    /// </summary>
    private static async Task PrintStagesAsync(BenchHost host, long after)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            WITH timed AS (
                SELECT extract(epoch FROM d.created_at - pg_xact_commit_timestamp(u.xmin)) AS reading,
                       extract(epoch FROM d.delivered_at - d.created_at) AS sending
                FROM webhook_deliveries d
                JOIN agent_desk_updates u ON u.tenant_id = d.tenant_id AND u.agent_id = d.desk_agent_id AND u.sequence = d.desk_sequence
                WHERE d.id > $1)
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY reading), percentile_cont(0.99) WITHIN GROUP (ORDER BY reading),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY sending), percentile_cont(0.99) WITHIN GROUP (ORDER BY sending)
            FROM timed
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine(FormattableString.Invariant(
            $"stages: commit to fan-out p50 {reader.GetDouble(0) * 1000:0.0} ms p99 {reader.GetDouble(1) * 1000:0.0} ms; fan-out to attempt p50 {reader.GetDouble(2) * 1000:0.0} ms p99 {reader.GetDouble(3) * 1000:0.0} ms"));
    }

    /// <summary>
    /// Waits until queueing has caught up (the count stays put) and every queued delivery is delivered and has
    /// arrived; returns how many were queued.
    /// </summary>
    private static async Task<long> WaitForQuietAsync(BenchHost host, List<Receiver> receivers)
    {
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var deadline = DateTime.UtcNow + Drain;
        var previous = -1L;
        while (true)
        {
            await using var command = dataSource.CreateCommand("SELECT count(*), count(*) FILTER (WHERE status <> 'delivered') FROM webhook_deliveries");
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (queued, open) = (reader.GetInt64(0), reader.GetInt64(1));
            if ((queued == previous && open == 0 && receivers.Sum(r => r.Count) >= queued) || DateTime.UtcNow > deadline)
            {
                return queued;
            }

            previous = queued;
            await Task.Delay(250);
        }
    }

    /// <summary>A loopback receiver that records each message once (by webhook-id) and checks per-agent order.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, bool> _seen = new();
        private readonly ConcurrentDictionary<string, long> _lastSequence = new();
        private readonly ConcurrentQueue<Arrival> _messages = new();
        private int _outOfOrder;
        private long _lastArrival;

        private Receiver(WebApplication app) => _app = app;

        public string Url => _app.Urls.First().TrimEnd('/') + "/hook";

        public int Count => _seen.Count;

        public int OutOfOrder => _outOfOrder;

        public long LastArrival => Interlocked.Read(ref _lastArrival);

        public IEnumerable<Arrival> Messages => _messages;

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hook", async (HttpContext context) =>
            {
                var arrived = Stopwatch.GetTimestamp();
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
                receiver.Record(context.Request.Headers["webhook-id"].ToString(), await reader.ReadToEndAsync(), arrived, DateTimeOffset.UtcNow);
                return Results.NoContent();
            });
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();

        private void Record(string messageId, string body, long arrived, DateTimeOffset arrivedAt)
        {
            if (!_seen.TryAdd(messageId, true))
            {
                return;
            }

            using var update = JsonDocument.Parse(body);
            var agent = update.RootElement.GetProperty("agentId").GetString()!;
            var sequence = update.RootElement.GetProperty("sequence").GetInt64();
            var previous = _lastSequence.GetOrAdd(agent, 0);
            if (sequence != previous + 1)
            {
                Interlocked.Increment(ref _outOfOrder);
            }

            _lastSequence[agent] = Math.Max(previous, sequence);
            foreach (var entry in update.RootElement.GetProperty("current").EnumerateArray())
            {
                _messages.Enqueue(new Arrival(messageId, entry.GetProperty("conversationId").GetString()!, entry.GetProperty("version").GetInt64(), arrivedAt));
            }

            Interlocked.Exchange(ref _lastArrival, arrived);
        }
    }

    private sealed record Stream(long Started, int Total, int Accepted);

    private sealed record Arrival(string MessageId, string ConversationId, long Version, DateTimeOffset ArrivedAt);
}
