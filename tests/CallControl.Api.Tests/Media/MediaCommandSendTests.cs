using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Api.EventStore;
using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using CallControl.Testing;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace CallControl.Api.Tests.Media;

/// <summary>
/// Media commands leave by two roads, at once after the append and from the log; the worker's queue must see
/// each append's commands once and in the conversation's order whichever road carried them.
/// </summary>
public sealed class MediaCommandSendTests : IClassFixture<ApiHost>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ApiHost _host;
    private readonly string _worker = "send-probe-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<(string Type, string CommandId, string LegId)> _received = [];
    private HostReceiveEndpointHandle? _queue;

    public MediaCommandSendTests(ApiHost host) => _host = host;

    private IBus Bus => _host.Services.GetRequiredService<IBus>();

    public async Task InitializeAsync()
    {
        _queue = Bus.ConnectReceiveEndpoint(MediaQueues.ForWorker(_worker), endpoint =>
        {
            Capture<PlaceLeg>(endpoint, c => (c.CommandId, c.LegId));
            Capture<BridgeLegs>(endpoint, c => (c.CommandId, c.LegId));
            Capture<HoldLeg>(endpoint, c => (c.CommandId, c.LegId));
            Capture<ResumeLeg>(endpoint, c => (c.CommandId, c.LegId));
            Capture<HangUpLeg>(endpoint, c => (c.CommandId, c.LegId));
        });
        await _queue.Ready;
        await Bus.Publish(new MediaWorkerHeartbeat(_worker, "127.0.0.1:5060", 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        var registry = _host.Services.GetRequiredService<CallControl.Api.Media.MediaWorkerRegistry>();
        var deadline = DateTime.UtcNow + Patience;
        while (registry.Alive().All(w => w.WorkerId != _worker))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the probe worker's heartbeat arrives");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        if (_queue is not null)
        {
            await _queue.StopAsync();
        }
    }

    [Fact]
    public async Task EveryAppendsCommandsReachTheWorkerOnceAndInOrder()
    {
        using var client = _host.Client();
        var conversationId = await ConnectedAsync(client, "send-1");
        var customerLeg = await CustomerLegAsync(client, conversationId);
        for (var round = 0; round < 5; round++)
        {
            (await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/participants/{customerLeg}/hold", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            await Bus.Publish(new LegHeld("t1", conversationId, customerLeg, _worker, DateTimeOffset.UtcNow));
            await WaitForHeldAsync(client, conversationId, customerLeg, held: true);
            (await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/participants/{customerLeg}/resume", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            await Bus.Publish(new LegResumed("t1", conversationId, customerLeg, _worker, DateTimeOffset.UtcNow));
            await WaitForHeldAsync(client, conversationId, customerLeg, held: false);
        }

        // Ending it sends both legs' hang-ups; the legs' ends end the conversation.
        (await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/end", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        foreach (var leg in await LegsAsync(client, conversationId))
        {
            await Bus.Publish(new LegEnded("t1", conversationId, leg, _worker, DisconnectReason.Success, 200, Initiator.System, DateTimeOffset.UtcNow));
        }

        await WaitForAsync(client, conversationId, c => c.GetProperty("state").GetString() == "ended", "the conversation to end");

        // Once the log road has read past the conversation's last event, nothing more may come.
        await WaitForDispatchPastAsync(conversationId);
        await Task.Delay(200);
        List<(string Type, string CommandId, string LegId)> received;
        lock (_received)
        {
            received = [.. _received];
        }

        received.Select(r => r.CommandId).ShouldBeUnique();
        var onCustomer = received.Where(r => r.LegId == customerLeg && r.Type is nameof(HoldLeg) or nameof(ResumeLeg)).Select(r => r.Type).ToList();
        onCustomer.ShouldBe(Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? nameof(HoldLeg) : nameof(ResumeLeg)));
        received.Count(r => r.Type == nameof(PlaceLeg)).ShouldBe(2, string.Join(", ", received));
        received[0].Type.ShouldBe(nameof(PlaceLeg));
        received.Count(r => r.Type == nameof(HangUpLeg)).ShouldBe(2, string.Join(", ", received));
    }

    private void Capture<T>(IReceiveEndpointConfigurator endpoint, Func<T, (string CommandId, string LegId)> describe)
        where T : class =>
        endpoint.Handler<T>(context =>
        {
            var (commandId, legId) = describe(context.Message);
            lock (_received)
            {
                _received.Add((typeof(T).Name, commandId, legId));
            }

            return Task.CompletedTask;
        });

    private async Task<string> ConnectedAsync(HttpClient client, string agentId)
    {
        (await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070" } }))
            .EnsureSuccessStatusCode();
        var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = "sip:customer@127.0.0.1:5080" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var conversationId = body.RootElement.GetProperty("id").GetString()!;
        var agentLeg = body.RootElement.GetProperty("participants")[0].GetProperty("id").GetString()!;
        await Bus.Publish(new LegAnswered("t1", conversationId, agentLeg, _worker, DateTimeOffset.UtcNow));
        var customerLeg = await CustomerLegAsync(client, conversationId);
        await Bus.Publish(new LegAnswered("t1", conversationId, customerLeg, _worker, DateTimeOffset.UtcNow));
        await WaitForAsync(client, conversationId, c => c.GetProperty("state").GetString() == "connected", "the conversation to move on");
        return conversationId;
    }

    private static async Task<List<string>> LegsAsync(HttpClient client, string conversationId) =>
        [.. (await GetAsync(client, conversationId)).GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()!)];

    private static async Task<string> CustomerLegAsync(HttpClient client, string conversationId) =>
        (await WaitForAsync(client, conversationId, c => c.GetProperty("participants").GetArrayLength() == 2, "the conversation to move on"))
            .GetProperty("participants")[1].GetProperty("id").GetString()!;

    private static Task WaitForHeldAsync(HttpClient client, string conversationId, string leg, bool held) =>
        WaitForAsync(client, conversationId, c => c.GetProperty("participants").EnumerateArray()
            .Any(p => p.GetProperty("id").GetString() == leg && p.GetProperty("held").GetBoolean() == held), held ? "the hold" : "the resume");

    private async Task WaitForDispatchPastAsync(string conversationId)
    {
        await using var command = _host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT tx_id, seq FROM events WHERE tenant_id = 't1' AND stream_id = $1 ORDER BY version DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        LogPosition last;
        await using (var reader = await command.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            last = new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1));
        }

        var runner = _host.Services.GetServices<IHostedService>().OfType<SubscriptionRunner>().Single(r => r.Name == "media-dispatch");
        var deadline = DateTime.UtcNow + Patience;
        while (runner.Checkpoint.CompareTo(last) < 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "media dispatch reads past the conversation's last event");
            await Task.Delay(50);
        }
    }
}
