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
using Npgsql;

namespace CallControl.Bench.Webhooks;

/// <summary>
/// 50 agents on connected conversations, 10 subscriptions to conversationUpdate with a loopback receiver each,
/// and a steady stream of hold/resume/mute/unmute commands for 15 s at a rate that asks for the goal's
/// 2,000+ deliveries/s (an open loop: commands go out on schedule whatever the answers take, so a slow
/// service shows as latency, not as a lower rate). Latency runs from the commit of the append that made a
/// desk update (PostgreSQL's commit timestamp of its transaction) to the receiver's arrival, on the same
/// clock; every message is checked to arrive, and each agent's sequence to arrive in order.
/// </summary>
public static class WebhookBenchmark
{
    private const int Agents = 50;
    private const int Subscriptions = 10;
    private const int Clients = 32;

    /// <summary>Commands per second by default: each changes one agent's desk, so 10 subscriptions get 10 messages each.</summary>
    public const int DefaultCommandRate = 220;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);
    private static readonly string[] Actions = ["hold", "resume", "mute", "unmute"];

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
        var before = receivers.Sum(r => r.Count);

        var sent = new ConcurrentDictionary<(string Conversation, long Version), long>();
        var clients = Enumerable.Range(0, Clients).Select(_ => host.NewClient()).ToArray();
        var pausedBefore = GC.GetTotalPauseDuration();
        var collectionsBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var started = Stopwatch.GetTimestamp();
        var total = (int)(commandRate * Duration.TotalSeconds);
        var next = -1;
        var commands = await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(index);
            var count = 0;
            for (var n = Interlocked.Increment(ref next); n < total; n = Interlocked.Increment(ref next))
            {
                var requested = started + (long)(n * (double)Stopwatch.Frequency / commandRate);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), requested);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                // Each conversation gets its commands in turn, hold → resume → mute → unmute, so every one changes
                // what its agent sees (a random pick would often repeat a pending change: a no-op, no message).
                var conversation = conversations[n % conversations.Count];
                var action = Actions[n / conversations.Count % Actions.Length];
                using var response = await client.PostAsync($"/api/v1/conversations/{conversation.ConversationId}/participants/{conversation.CustomerLeg}/{action}", null);
                if ((int)response.StatusCode == StatusCodes.Status202Accepted)
                {
                    using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    sent[(conversation.ConversationId, body.RootElement.GetProperty("version").GetInt64())] = requested;
                    count++;
                }
            }

            return count;
        })));

        var expected = await WaitForQuietAsync(host, receivers);
        Console.WriteLine(FormattableString.Invariant(
            $"gc: {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:0} ms paused; collections gen0 {GC.CollectionCount(0) - collectionsBefore.Item1}, gen1 {GC.CollectionCount(1) - collectionsBefore.Item2}, gen2 {GC.CollectionCount(2) - collectionsBefore.Item3}"));
        var elapsed = receivers.Max(r => r.LastArrival) - started;
        var received = receivers.Sum(r => r.Count) - before;
        var committed = await CommitTimesAsync(host);
        var latencies = new List<double>();
        foreach (var message in receivers.SelectMany(r => r.Messages))
        {
            if (sent.ContainsKey((message.ConversationId, message.Version)) && committed.TryGetValue(message.MessageId, out var commit))
            {
                latencies.Add((message.ArrivedAt - commit).TotalMilliseconds);
            }
        }

        latencies.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"latency: p90 {BenchHost.Percentile(latencies, 0.90):0.0} ms, p95 {BenchHost.Percentile(latencies, 0.95):0.0} ms, p99.9 {BenchHost.Percentile(latencies, 0.999):0.0} ms, max {latencies[^1]:0.0} ms"));
        await PrintStagesAsync(host);
        var lost = expected - receivers.Sum(r => r.Count);
        var outOfOrder = receivers.Sum(r => r.OutOfOrder);
        var rate = received / (elapsed / (double)Stopwatch.Frequency);
        Console.WriteLine(FormattableString.Invariant(
            $"commands: {commands.Sum()} accepted of {total} sent at {commandRate}/s for {Duration.TotalSeconds:0} s; deliveries: {received} ({latencies.Count} timed from their commit), queued {expected}"));
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

    /// <summary>Where the time goes: from the command to queueing (fan-out), and from queueing to delivery (sending).</summary>
    private static async Task PrintStagesAsync(BenchHost host)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            WITH timed AS (
                SELECT d.created_at, d.delivered_at, u.occurred_at
                FROM webhook_deliveries d
                JOIN agent_desk_updates u ON u.tenant_id = d.tenant_id AND u.agent_id = d.desk_agent_id AND u.sequence = d.desk_sequence)
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - occurred_at)),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM created_at - occurred_at)),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at)),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - created_at))
            FROM timed
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine(FormattableString.Invariant(
            $"stages: queued after p50 {reader.GetDouble(0) * 1000:0.0} ms p99 {reader.GetDouble(1) * 1000:0.0} ms; delivered after queueing p50 {reader.GetDouble(2) * 1000:0.0} ms p99 {reader.GetDouble(3) * 1000:0.0} ms"));
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

    private sealed record Arrival(string MessageId, string ConversationId, long Version, DateTimeOffset ArrivedAt);
}
