using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Domain.Media;
using CallControl.Testing;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Http;

/// <summary>
/// Two instances over one database. Each decides a command first on the conversation state it remembers; when
/// the other instance has moved the conversation on since, the command must still be decided on the truth.
/// </summary>
public sealed class TwoInstanceCommandTests : IClassFixture<PostgresDatabase>
{
    private readonly PostgresDatabase _database;

    public TwoInstanceCommandTests(PostgresDatabase database) => _database = database;

    [Fact]
    public async Task AnInstanceWhoseMemoryIsBehindNeitherRefusesNorRepeatsWhatTheOtherDid()
    {
        await using var first = await Instance.StartAsync(_database);
        await using var second = await Instance.StartAsync(_database);
        var (one, bus) = (first.Client, first.Bus);
        var (two, otherBus) = (second.Client, second.Bus);

        var (id, customerLeg) = await ConnectedAsync(one, bus, "two-1");

        // The second instance holds the customer; the first still remembers it unheld.
        (await two.PostAsJsonAsync($"/api/v1/conversations/{id}/participants/{customerLeg}/hold", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await otherBus.Publish(new LegHeld("t1", id, customerLeg, "worker-1", DateTimeOffset.UtcNow));
        var held = await WaitForAsync(two, id, c => Customer(c, customerLeg).GetProperty("held").GetBoolean(), "the conversation to move on");

        // Resuming through the first instance is accepted (its memory would call the customer not held)...
        var resume = await one.PostAsJsonAsync($"/api/v1/conversations/{id}/participants/{customerLeg}/resume", new { });
        resume.StatusCode.ShouldBe(HttpStatusCode.Accepted, await resume.Content.ReadAsStringAsync());
        using var accepted = JsonDocument.Parse(await resume.Content.ReadAsStringAsync());
        accepted.RootElement.GetProperty("version").GetInt64().ShouldBe(held.GetProperty("version").GetInt64() + 1);

        // ...and once the resume is confirmed, holding through the second, whose memory still has the customer
        // held, is accepted too.
        await bus.Publish(new LegResumed("t1", id, customerLeg, "worker-1", DateTimeOffset.UtcNow));
        await WaitForAsync(one, id, c => !Customer(c, customerLeg).GetProperty("held").GetBoolean(), "the conversation to move on");
        var hold = await two.PostAsJsonAsync($"/api/v1/conversations/{id}/participants/{customerLeg}/hold", new { });
        hold.StatusCode.ShouldBe(HttpStatusCode.Accepted, await hold.Content.ReadAsStringAsync());

        using var history = JsonDocument.Parse(await one.GetStringAsync($"/api/v1/conversations/{id}/events?limit=200"));
        history.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString())
            .Where(t => t is "ParticipantHoldRequested" or "ParticipantResumeRequested")
            .ShouldBe(["ParticipantHoldRequested", "ParticipantResumeRequested", "ParticipantHoldRequested"]);
    }

    [Fact]
    public async Task AnInstanceWhoseDeskMemoryIsBehindNumbersTheAgentsUpdatesOnFromTheOthers()
    {
        await using var first = await Instance.StartAsync(_database);
        await using var second = await Instance.StartAsync(_database);
        var (one, bus) = (first.Client, first.Bus);
        var (two, otherBus) = (second.Client, second.Bus);

        var (id, customerLeg) = await ConnectedAsync(one, bus, "two-2");

        // Each instance in turn moves the agent's desk on, so the other's memory of the desk falls behind every time.
        for (var round = 0; round < 2; round++)
        {
            var (client, factBus) = round % 2 == 0 ? (two, otherBus) : (one, bus);
            (await client.PostAsJsonAsync($"/api/v1/conversations/{id}/participants/{customerLeg}/hold", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            await factBus.Publish(new LegHeld("t1", id, customerLeg, "worker-1", DateTimeOffset.UtcNow));
            await WaitForAsync(client, id, c => Customer(c, customerLeg).GetProperty("held").GetBoolean(), "the hold");
            (client, factBus) = round % 2 == 0 ? (one, bus) : (two, otherBus);
            (await client.PostAsJsonAsync($"/api/v1/conversations/{id}/participants/{customerLeg}/resume", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            await factBus.Publish(new LegResumed("t1", id, customerLeg, "worker-1", DateTimeOffset.UtcNow));
            await WaitForAsync(client, id, c => !Customer(c, customerLeg).GetProperty("held").GetBoolean(), "the resume");
        }

        // Every append made one update, numbered without gap or repeat, and the desk stands at the last.
        var appends = 3 + (2 * 4);
        var sequences = new List<long>();
        await using (var updates = _database.DataSource.CreateCommand("SELECT sequence FROM agent_desk_updates WHERE tenant_id = 't1' AND agent_id = 'two-2' ORDER BY sequence"))
        await using (var reader = await updates.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sequences.Add(reader.GetInt64(0));
            }
        }

        sequences.ShouldBe(Enumerable.Range(1, appends).Select(n => (long)n));
        await using var desk = _database.DataSource.CreateCommand("SELECT sequence FROM agent_desks WHERE tenant_id = 't1' AND agent_id = 'two-2'");
        (await desk.ExecuteScalarAsync()).ShouldBe((long)appends);
    }

    /// <summary>A conversation of <paramref name="agentId"/>'s, placed and connected through one instance; returns it and its customer's leg.</summary>
    private static async Task<(string Id, string CustomerLeg)> ConnectedAsync(HttpClient client, IBus bus, string agentId)
    {
        (await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070" } })).EnsureSuccessStatusCode();
        var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = "sip:customer@127.0.0.1:5080" });
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString()!;
        var agentLeg = body.RootElement.GetProperty("participants")[0].GetProperty("id").GetString()!;
        await bus.Publish(new LegAnswered("t1", id, agentLeg, "worker-1", DateTimeOffset.UtcNow));
        var customerLeg = (await WaitForAsync(client, id, c => c.GetProperty("participants").GetArrayLength() == 2, "the conversation to move on"))
            .GetProperty("participants")[1].GetProperty("id").GetString()!;
        await bus.Publish(new LegAnswered("t1", id, customerLeg, "worker-1", DateTimeOffset.UtcNow));
        await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "connected", "the conversation to move on");
        return (id, customerLeg);
    }

    /// <summary>One service instance over the shared database, with a client and its bus.</summary>
    private sealed class Instance : IAsyncDisposable
    {
        private readonly ApiHost _host;

        private Instance(ApiHost host)
        {
            _host = host;
            Client = host.Client();
            Bus = host.Services.GetRequiredService<IBus>();
        }

        public HttpClient Client { get; }

        public IBus Bus { get; }

        public static async Task<Instance> StartAsync(PostgresDatabase database) =>
            new(await ApiHost.StartAsync(database, new Dictionary<string, string>()));

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _host.DisposeAsync();
        }
    }

    private static JsonElement Customer(JsonElement conversation, string leg) =>
        conversation.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("id").GetString() == leg);
}
