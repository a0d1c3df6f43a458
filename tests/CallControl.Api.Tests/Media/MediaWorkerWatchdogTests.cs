using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Api.Conversations;
using CallControl.Api.Media;
using CallControl.Domain.Media;
using CallControl.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallControl.Api.Tests.Media;

/// <summary>
/// The watchdog's sweep on a clock of the test's, over the real event store: a worker's silence counts only while
/// this instance can hear heartbeats, so a broker outage longer than the timeout ends no call by itself.
/// </summary>
public sealed class MediaWorkerWatchdogTests : IClassFixture<ApiHost>
{
    private const string WorkerId = "watchdog-worker-1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ApiHost _host;

    public MediaWorkerWatchdogTests(ApiHost host) => _host = host;

    [Fact]
    public async Task SilenceCountsOnlyFromWhenHeartbeatsCanBeHeardAgain()
    {
        using var client = _host.Client();
        var (conversationId, agentLeg) = await StartOnWorkerAsync(client, "watchdog-a1");
        var clock = new SteppedClock(DateTimeOffset.UtcNow);
        var options = Options.Create(new MediaWorkersOptions { HeartbeatTimeoutSeconds = 10 });
        var registry = new MediaWorkerRegistry(clock, options);
        var watchdog = new MediaWorkerWatchdog(
            _host.Services.GetRequiredService<NpgsqlDataSource>(),
            registry,
            _host.Services.GetRequiredService<ConversationCommandService>(),
            clock,
            options,
            NullLogger<MediaWorkerWatchdog>.Instance);
        registry.Beat(new MediaWorkerHeartbeat(WorkerId, "127.0.0.1:5060", 1, clock.Now, clock.Now));

        // The broker is away for a minute: nothing is heard from anyone, and nothing is concluded from that.
        registry.Deaf();
        clock.Now += TimeSpan.FromSeconds(60);
        await watchdog.SweepAsync(CancellationToken.None);
        AgentState(await GetAsync(client, conversationId), agentLeg).ShouldBe("dialing");

        // Back: the worker gets the whole timeout from now to be heard again.
        registry.Hearing();
        clock.Now += TimeSpan.FromSeconds(9);
        await watchdog.SweepAsync(CancellationToken.None);
        AgentState(await GetAsync(client, conversationId), agentLeg).ShouldBe("dialing");

        // Still silent past the timeout after the return: now it is dead, and its legs are gone.
        clock.Now += TimeSpan.FromSeconds(2);
        await watchdog.SweepAsync(CancellationToken.None);
        var after = await GetAsync(client, conversationId);
        AgentState(after, agentLeg).ShouldBe("disconnected");
        Agent(after, agentLeg).GetProperty("disconnectReason").GetString().ShouldBe("gone");
    }

    /// <summary>Click-to-dial once the host has heard <see cref="WorkerId"/>, so the conversation is that worker's.</summary>
    private async Task<(string ConversationId, string AgentLeg)> StartOnWorkerAsync(HttpClient client, string agentId)
    {
        var now = DateTimeOffset.UtcNow;
        await _host.Services.GetRequiredService<IBus>().Publish(new MediaWorkerHeartbeat(WorkerId, "127.0.0.1:5060", 0, now, now));
        var registry = _host.Services.GetRequiredService<MediaWorkerRegistry>();
        var deadline = DateTime.UtcNow + Patience;
        while (registry.Pick() != WorkerId)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the host to hear the worker's heartbeat");
            await Task.Delay(50);
        }

        (await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070" } }))
            .EnsureSuccessStatusCode();
        var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = "sip:customer@127.0.0.1:5080" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString()!;
        using var history = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{id}/events"));
        history.RootElement.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "MediaWorkerAssigned")
            .GetProperty("data").GetProperty("workerId").GetString().ShouldBe(WorkerId);
        return (id, body.RootElement.GetProperty("participants")[0].GetProperty("id").GetString()!);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string conversationId) =>
        JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{conversationId}")).RootElement.Clone();

    private static JsonElement Agent(JsonElement conversation, string agentLeg) =>
        conversation.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("id").GetString() == agentLeg);

    private static string? AgentState(JsonElement conversation, string agentLeg) => Agent(conversation, agentLeg).GetProperty("state").GetString();

    /// <summary>A clock that stands still until the test moves it.</summary>
    private sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
