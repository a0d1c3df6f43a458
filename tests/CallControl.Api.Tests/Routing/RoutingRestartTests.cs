using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Domain.Media;
using CallControl.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Routing;

/// <summary>Hosts started and stopped over one database, as the service is restarted or misconfigured.</summary>
public sealed class RoutingRestartTests : IClassFixture<PostgresDatabase>
{
    private const int OfferTimeoutSeconds = 4;
    private const string Did = "+15550200001";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Routing:OfferTimeoutSeconds"] = $"{OfferTimeoutSeconds}",
        ["Routing:Rules:0:Did"] = Did,
        ["Routing:Rules:0:Tenant"] = "t1",
        ["Routing:Rules:0:Agents:0"] = "restart-1",
        ["Routing:Rules:0:Agents:1"] = "restart-2",
    };

    private readonly PostgresDatabase _database;

    public RoutingRestartTests(PostgresDatabase database) => _database = database;

    [Fact]
    public async Task AnOfferLiveWhenTheServiceStopsExpiresOnTimeAfterItStartsAgainAndTheNextAgentIsOffered()
    {
        var first = await ApiHost.StartAsync(_database, Settings);
        var call = new InboundCallReceived("restart-worker", Guid.CreateVersion7().ToString(), Guid.CreateVersion7().ToString(), "+15557770001", Did, null, DateTimeOffset.UtcNow);
        using (var client = first.Client())
        {
            foreach (var agentId in new[] { "restart-1", "restart-2" })
            {
                (await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070" } }))
                    .EnsureSuccessStatusCode();
            }

            await first.Services.GetRequiredService<IBus>().Publish(call);
            await WaitForAsync(client, call.ConversationId, c => HasAgent(c, "restart-1"));
            // Past the offer, so the next instance learns of it from the live conversations, not from the log.
            await WaitForRoutingCheckpointPastAsync(call.ConversationId);
        }

        await first.DisposeAsync();
        await using var second = await ApiHost.StartAsync(_database, Settings);
        using var secondClient = second.Client();

        var passed = await WaitForAsync(secondClient, call.ConversationId, c => HasAgent(c, "restart-2"));
        var expired = Agent(passed, "restart-1");
        expired.GetProperty("disconnectReason").GetString().ShouldBe("timeout");
        var rang = expired.GetProperty("endedAt").GetDateTimeOffset() - passed.GetProperty("startedAt").GetDateTimeOffset();
        rang.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(OfferTimeoutSeconds) - TimeSpan.FromMilliseconds(100), "the offer's own time starts the timer");
        Agent(passed, "restart-2").GetProperty("state").GetString().ShouldBe("alerting");
    }

    [Fact]
    public async Task TheServiceRefusesToStartWithRulesThatCannotRoute()
    {
        var settings = new Dictionary<string, string>
        {
            ["Routing:Rules:0:Did"] = "+15550200002",
            ["Routing:Rules:0:Agents:0"] = "a1",
            ["Routing:Rules:1:Did"] = "+15550200002",
            ["Routing:Rules:1:Agents:0"] = "not an agent id",
        };

        var failure = await Should.ThrowAsync<Exception>(() => ApiHost.StartAsync(_database, settings));

        var messages = string.Join(" | ", Chain(failure).Select(e => e.Message));
        messages.ShouldContain("Routing:Rules:1:Did '+15550200002' is already routed by Routing:Rules:0");
        messages.ShouldContain("Routing:Rules:1:Agents:0 'not an agent id' is not an agent id");
    }

    private async Task WaitForRoutingCheckpointPastAsync(string conversationId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await using var command = _database.DataSource.CreateCommand("""
                SELECT EXISTS (
                    SELECT 1 FROM subscriptions s
                    WHERE s.name = 'routing'
                      AND (s.tx_id, s.seq) >= (SELECT e.tx_id, e.seq FROM events e WHERE e.stream_id = $1 ORDER BY e.tx_id DESC, e.seq DESC LIMIT 1))
                """);
            command.Parameters.AddWithValue(conversationId);
            if (await command.ExecuteScalarAsync() is true)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException("The routing subscription never got past the offer.");
            }

            await Task.Delay(50);
        }
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static bool HasAgent(JsonElement conversation, string agentId) =>
        conversation.GetProperty("participants").EnumerateArray().Any(p => p.TryGetProperty("agentId", out var a) && a.GetString() == agentId);

    private static JsonElement Agent(JsonElement conversation, string agentId) =>
        conversation.GetProperty("participants").EnumerateArray().Single(p => p.TryGetProperty("agentId", out var a) && a.GetString() == agentId);

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string conversationId, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var response = await client.GetAsync($"/api/v1/conversations/{conversationId}");
            if (response.IsSuccessStatusCode)
            {
                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (condition(document.RootElement))
                {
                    return document.RootElement.Clone();
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"Conversation {conversationId} did not reach the expected state in {Patience}.");
            }

            await Task.Delay(50);
        }
    }
}
