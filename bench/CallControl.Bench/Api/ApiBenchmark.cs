using System.Diagnostics;
using System.Net;
using CallControl.Api.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CallControl.Bench.Api;

/// <summary>
/// 32 clients send hold/resume/mute/unmute commands to 1,000 connected conversations for 10 s; then the same
/// clients hit a trivial endpoint of the same host (same middleware and auth) that answers 202, for the
/// HTTP ceiling.
/// </summary>
public static class ApiBenchmark
{
    private const int Clients = 32;
    private const int Conversations = 1000;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(3);
    private static readonly string[] Actions = ["hold", "resume", "mute", "unmute"];

    public static async Task<int> RunAsync()
    {
        await using var host = await BenchHost.StartAsync(map: app =>
            app.MapPost("/bench/ceiling", () => Results.StatusCode(StatusCodes.Status202Accepted)).RequireScope(ApiScopes.Calls));
        var clients = Enumerable.Range(0, Clients).Select(_ => host.NewClient()).ToArray();
        var conversations = await host.ConnectedConversationsAsync(clients[0], Conversations);
        Console.WriteLine($"setup: {conversations.Count} conversations, each with its own agent, both legs answered");

        await CommandsForAsync(clients, conversations, WarmUp);
        var (commands, latencies, failures) = await CommandsForAsync(clients, conversations, Duration);
        await CeilingForAsync(clients, WarmUp);
        var (ceilingRequests, _, ceilingFailures) = await CeilingForAsync(clients, Duration);

        latencies.Sort();
        var rate = commands / Duration.TotalSeconds;
        var ceiling = ceilingRequests / Duration.TotalSeconds;
        Console.WriteLine(FormattableString.Invariant(
            $"commands: {commands} in {Duration.TotalSeconds:0} s by {Clients} clients, {failures} not 2xx; ceiling: {ceilingRequests} requests, {ceilingFailures} not 202"));
        Console.WriteLine(FormattableString.Invariant(
            $"api: {rate:0} cmd/s p50 {BenchHost.Percentile(latencies, 0.50):0.00} ms p99 {BenchHost.Percentile(latencies, 0.99):0.00} ms; http-ceiling {ceiling:0} req/s; ratio {rate / ceiling:0.00}"));

        foreach (var client in clients)
        {
            client.Dispose();
        }

        return failures == 0 && ceilingFailures == 0 ? 0 : 1;
    }

    private static Task<(long Count, List<double> LatenciesMs, long Failures)> CommandsForAsync(
        HttpClient[] clients, List<BenchConversation> conversations, TimeSpan duration) =>
        RunForAsync(clients, duration, (client, random) =>
        {
            var conversation = conversations[random.Next(conversations.Count)];
            var action = Actions[random.Next(Actions.Length)];
            return client.PostAsync($"/api/v1/conversations/{conversation.ConversationId}/participants/{conversation.CustomerLeg}/{action}", null);
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
}
