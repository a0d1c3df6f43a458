using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Api.Auth;
using CallControl.Api.Conversations;
using CallControl.Api.Hosting;
using CallControl.Api.LocalPostgres;
using CallControl.Domain.Conversations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallControl.Bench.Api;

/// <summary>
/// The API host on loopback over a private cluster: 32 clients send hold/resume/mute/unmute commands to
/// 1,000 connected conversations for 10 s; then the same clients hit a trivial endpoint of the same host
/// (same middleware and auth) that answers 202, for the HTTP ceiling.
/// </summary>
public static class ApiBenchmark
{
    private const int Clients = 32;
    private const int Conversations = 1000;
    private const string Key = "bench-key";
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    private static readonly string[] Actions = ["hold", "resume", "mute", "unmute"];

    public static async Task<int> RunAsync()
    {
        var options = new LocalPostgresOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), $"callcontrol-bench-{Guid.NewGuid():N}"),
            DeleteOnStop = true,
            Settings = { ["synchronous_commit"] = "on", ["max_connections"] = "200" },
        };
        await using var cluster = await LocalPostgresCluster.StartAsync(options, NullLogger.Instance);

        var builder = WebApplication.CreateBuilder();
        builder.Environment.EnvironmentName = "Production";
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Auth:ApiKeys:0:Key"] = Key;
        builder.Configuration["Auth:ApiKeys:0:Name"] = "bench";
        builder.Configuration["Auth:ApiKeys:0:Tenant"] = "bench";
        builder.Configuration["Auth:ApiKeys:0:Scopes:0"] = "calls";
        builder.Configuration["Auth:ApiKeys:0:Scopes:1"] = "agents";
        builder.AddCallControl(cluster.ConnectionString);
        await using var app = builder.Build();
        app.MapCallControl();
        app.MapPost("/bench/ceiling", () => Results.StatusCode(StatusCodes.Status202Accepted)).RequireScope(ApiScopes.Calls);
        await app.StartAsync();
        var baseAddress = new Uri(app.Urls.First());
        Console.WriteLine($"host: {baseAddress}, cluster 127.0.0.1:{cluster.Port}, synchronous_commit=on");

        var clients = Enumerable.Range(0, Clients).Select(_ => NewClient(baseAddress)).ToArray();
        var customers = await SetUpConversationsAsync(clients[0], app.Services);
        Console.WriteLine($"setup: {customers.Count} conversations with connected agent and customer");

        await CommandsForAsync(clients, customers, WarmUp);
        var (commands, latencies, failures) = await CommandsForAsync(clients, customers, Duration);
        await CeilingForAsync(clients, WarmUp);
        var (ceilingRequests, _, ceilingFailures) = await CeilingForAsync(clients, Duration);

        latencies.Sort();
        var rate = commands / Duration.TotalSeconds;
        var ceiling = ceilingRequests / Duration.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant(
            $"commands: {commands} in {Duration.TotalSeconds:0} s by {Clients} clients, {failures} not 2xx; ceiling: {ceilingRequests} requests, {ceilingFailures} not 202"));
        Console.WriteLine(FormattableString.Invariant(
            $"api: {rate:0} cmd/s p50 {Percentile(latencies, 0.50):0.00} ms p99 {Percentile(latencies, 0.99):0.00} ms; http-ceiling {ceiling:0} req/s; ratio {rate / ceiling:0.00}"));

        foreach (var client in clients)
        {
            client.Dispose();
        }

        await app.StopAsync();
        return failures == 0 && ceilingFailures == 0 ? 0 : 1;
    }

    private static HttpClient NewClient(Uri baseAddress)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    /// <summary>
    /// One agent per conversation, as in a contact center with 1,000 calls up, each with its agent and
    /// customer legs answered (facts driven as the media worker will).
    /// </summary>
    private static async Task<List<(string Conversation, string Customer)>> SetUpConversationsAsync(HttpClient client, IServiceProvider services)
    {
        var service = services.GetRequiredService<ConversationCommandService>();
        var media = new CommandOptions("bench", "bench-media");
        var created = new List<(string, string)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Conversations), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, ct) =>
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
            var state = (Conversation.Started)(await service.LoadAsync("bench", id, ct)).State;
            var customer = state.Participants.Single(p => p.Role == ParticipantRole.Customer).Id;
            await service.ExecuteAsync(id, media, at => new ConversationCommand.ConfirmLegAnswered(customer, at), cancellationToken: ct);
            lock (created)
            {
                created.Add((id, customer.Value));
            }
        });
        return created;
    }

    private static Task<(long Count, List<double> LatenciesMs, long Failures)> CommandsForAsync(
        HttpClient[] clients, List<(string Conversation, string Customer)> customers, TimeSpan duration) =>
        RunForAsync(clients, duration, (client, random) =>
        {
            var (conversation, customer) = customers[random.Next(customers.Count)];
            var action = Actions[random.Next(Actions.Length)];
            return client.PostAsync($"/api/v1/conversations/{conversation}/participants/{customer}/{action}", null);
        });

    private static Task<(long Count, List<double> LatenciesMs, long Failures)> CeilingForAsync(HttpClient[] clients, TimeSpan duration) =>
        RunForAsync(clients, duration, (client, _) => client.PostAsync("/bench/ceiling", null));

    private static async Task<(long Count, List<double> LatenciesMs, long Failures)> RunForAsync(
        HttpClient[] clients, TimeSpan duration, Func<HttpClient, Random, Task<HttpResponseMessage>> send)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var results = await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            var random = new Random(index);
            var latencies = new List<double>(50_000);
            long failures = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await send(client, random);
                await response.Content.ReadAsByteArrayAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if ((int)response.StatusCode is < 200 or > 299 && response.StatusCode != HttpStatusCode.Conflict)
                {
                    failures++;
                }
            }

            return (latencies, failures);
        })));
        var all = results.SelectMany(r => r.latencies).ToList();
        return (all.Count, all, results.Sum(r => r.failures));
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
