using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Api.Conversations;
using CallControl.Api.Hosting;
using CallControl.Api.LocalPostgres;
using CallControl.Domain.Conversations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CallControl.Bench;

/// <summary>One connected conversation of the benchmark: its id, its customer's leg and its agent.</summary>
public sealed record BenchConversation(string ConversationId, string CustomerLeg, string AgentId);

/// <summary>
/// The service as it runs in production (durable commits, API keys) on loopback over a private cluster,
/// hosted in the benchmark's process so that media facts can be driven as the worker will drive them.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string Key = "bench-key";
    public const string Tenant = "bench";

    private readonly LocalPostgresCluster _cluster;
    private readonly WebApplication _app;

    private BenchHost(LocalPostgresCluster cluster, WebApplication app)
    {
        _cluster = cluster;
        _app = app;
        BaseAddress = new Uri(app.Urls.First());
    }

    /// <summary>
    /// Whether to collect and print the database's statement statistics (<c>CALLCONTROL_BENCH_STATEMENTS=1</c>);
    /// off by default, as collecting them costs the run some speed.
    /// </summary>
    public static bool Statements { get; } = Environment.GetEnvironmentVariable("CALLCONTROL_BENCH_STATEMENTS") == "1";

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public int DatabasePort => _cluster.Port;

    public static async Task<BenchHost> StartAsync(IReadOnlyDictionary<string, string>? settings = null, Action<WebApplication>? map = null)
    {
        var options = new LocalPostgresOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), $"callcontrol-bench-{Guid.NewGuid():N}"),
            DeleteOnStop = true,
            // Commit times are kept so that latencies can be measured from the moment an append committed.
            Settings = { ["synchronous_commit"] = "on", ["max_connections"] = "200", ["track_commit_timestamp"] = "on" },
        };
        if (Statements)
        {
            options.Settings["shared_preload_libraries"] = "pg_stat_statements";
            options.Settings["pg_stat_statements.track_planning"] = "on";
        }

        var cluster = await LocalPostgresCluster.StartAsync(options, NullLogger.Instance);
        var builder = WebApplication.CreateBuilder();
        builder.Environment.EnvironmentName = "Production";
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Auth:ApiKeys:0:Key"] = Key;
        builder.Configuration["Auth:ApiKeys:0:Name"] = "bench";
        builder.Configuration["Auth:ApiKeys:0:Tenant"] = Tenant;
        builder.Configuration["Auth:ApiKeys:0:Scopes:0"] = "calls";
        builder.Configuration["Auth:ApiKeys:0:Scopes:1"] = "agents";
        builder.Configuration["Auth:ApiKeys:0:Scopes:2"] = "webhooks";
        // Benchmarks of the API alone drive media facts themselves: no worker, and calls never written off.
        builder.Configuration["MediaWorkers:InProcess"] = "false";
        builder.Configuration["MediaWorkers:HeartbeatTimeoutSeconds"] = "300";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.Configuration[key] = value;
        }

        builder.AddCallControl(cluster.ConnectionString);
        var app = builder.Build();
        app.MapCallControl();
        map?.Invoke(app);
        await app.StartAsync();
        var host = new BenchHost(cluster, app);
        Console.WriteLine($"host: {host.BaseAddress}, cluster 127.0.0.1:{cluster.Port}, synchronous_commit=on");
        return host;
    }

    /// <summary>A client with the benchmark's key and one connection (a client is one caller).</summary>
    public HttpClient NewClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    /// <summary>
    /// <paramref name="count"/> conversations, each with its own agent, both legs answered (facts driven as the
    /// media worker will drive them).
    /// </summary>
    public async Task<List<BenchConversation>> ConnectedConversationsAsync(HttpClient client, int count)
    {
        var service = Services.GetRequiredService<ConversationCommandService>();
        var media = new CommandOptions(Tenant, "bench-media");
        var created = new List<BenchConversation>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, ct) =>
        {
            var agentId = $"agent-{n}";
            (await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070" } }, ct))
                .EnsureSuccessStatusCode();
            using var response = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = "+15551234567" }, ct);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            var id = body.RootElement.GetProperty("id").GetString()!;
            var agent = body.RootElement.GetProperty("participants")[0].GetProperty("id").GetString()!;
            await service.ExecuteAsync(id, media, at => new ConversationCommand.ConfirmLegAnswered(new ParticipantId(agent), at), cancellationToken: ct);
            var state = (Conversation.Started)(await service.LoadAsync(Tenant, id, ct)).State;
            var customer = state.Participants.Single(p => p.Role == ParticipantRole.Customer).Id;
            await service.ExecuteAsync(id, media, at => new ConversationCommand.ConfirmLegAnswered(customer, at), cancellationToken: ct);
            lock (created)
            {
                created.Add(new BenchConversation(id, customer.Value, agentId));
            }
        });
        return created;
    }

    /// <summary>
    /// Has PostgreSQL checkpoint now. The checkpoint recycles the WAL segment files written so far as the next
    /// ones, as every checkpoint of a long-running server does; a fresh cluster has none to recycle and creates
    /// (and zero-fills) each new file while commits wait for it.
    /// </summary>
    public async Task CheckpointAsync()
    {
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("CHECKPOINT");
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The WAL's position (bytes) and how many segment files pg_wal holds.</summary>
    public async Task<(long Position, long Files)> WalAsync()
    {
        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT (pg_current_wal_lsn() - '0/0')::bigint, (SELECT count(*) FROM pg_ls_waldir())");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Starts statement statistics afresh (when <see cref="Statements"/> is on).</summary>
    public async Task ResetStatementsAsync()
    {
        if (Statements)
        {
            await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
                "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Prints the statements that took the most time since the reset (when <see cref="Statements"/> is on).</summary>
    public async Task PrintStatementsAsync()
    {
        if (!Statements)
        {
            return;
        }

        await using var command = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            SELECT round(total_exec_time + total_plan_time)::numeric, calls, plans, rows, (wal_bytes / greatest(calls, 1))::bigint,
                   round(shared_blks_dirtied::numeric / greatest(calls, 1), 2), left(regexp_replace(query, '\s+', ' ', 'g'), 140)
            FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 15
            """);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"statement: {reader.GetDecimal(0)} ms, {reader.GetInt64(1)} calls, {reader.GetInt64(2)} plans, {reader.GetInt64(3)} rows, {reader.GetInt64(4)} WAL bytes and {reader.GetDecimal(5)} blocks dirtied per call: {reader.GetString(6)}"));
            }
        }

        await using var sizes = Services.GetRequiredService<NpgsqlDataSource>().CreateCommand("""
            SELECT (SELECT round(avg(pg_column_size(payload))) FROM agent_desk_updates),
                   (SELECT round(avg(pg_column_size(view))) FROM conversations),
                   (SELECT round(avg(pg_column_size(snapshot))) FROM agent_desks),
                   (SELECT round(avg(pg_column_size(data) + pg_column_size(metadata))) FROM events)
            """);
        await using var sized = await sizes.ExecuteReaderAsync();
        await sized.ReadAsync();
        Console.WriteLine(FormattableString.Invariant(
            $"statement: stored sizes (bytes): desk update {sized.GetValue(0)}, conversation view {sized.GetValue(1)}, desk snapshot {sized.GetValue(2)}, event {sized.GetValue(3)}"));
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
