using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Api.Conversations;
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
public sealed class MediaCommandSendTests : IClassFixture<MediaCommandSendTests.SlowFactsHost>, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly SlowFactsHost _host;

    public MediaCommandSendTests(SlowFactsHost host) => _host = host;

    private IBus Bus => _host.Services.GetRequiredService<IBus>();

    // One probe worker for the whole class: a probe left behind by an earlier test would still look alive and
    // could be given the next test's conversations.
    private string Worker => _host.Probe.WorkerId;

    private List<(string Type, string CommandId, string LegId, string ConversationId)> Received => _host.Probe.Received;

    private HashSet<string> Answered => _host.Probe.Answered;

    public async Task InitializeAsync()
    {
        if (_host.Probe.Queue is not null)
        {
            return;
        }

        _host.Probe.Queue = Bus.ConnectReceiveEndpoint(MediaQueues.ForWorker(Worker), endpoint =>
        {
            Capture<PlaceLeg>(endpoint, c => (c.CommandId, c.LegId, c.ConversationId));
            Capture<BridgeLegs>(endpoint, c => (c.CommandId, c.LegId, c.ConversationId));
            Capture<HoldLeg>(endpoint, c => (c.CommandId, c.LegId, c.ConversationId), c => new LegHeld(c.TenantId, c.ConversationId, c.LegId, Worker, DateTimeOffset.UtcNow));
            Capture<ResumeLeg>(endpoint, c => (c.CommandId, c.LegId, c.ConversationId), c => new LegResumed(c.TenantId, c.ConversationId, c.LegId, Worker, DateTimeOffset.UtcNow));
            Capture<HangUpLeg>(endpoint, c => (c.CommandId, c.LegId, c.ConversationId));
        });
        await _host.Probe.Queue.Ready;
        await Bus.Publish(new MediaWorkerHeartbeat(Worker, "127.0.0.1:5060", 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow));
        var registry = _host.Services.GetRequiredService<CallControl.Api.Media.MediaWorkerRegistry>();
        var deadline = DateTime.UtcNow + Patience;
        while (registry.Alive().All(w => w.WorkerId != Worker))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the probe worker's heartbeat arrives");
            await Task.Delay(20);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EveryAppendsCommandsReachTheWorkerOnceAndInOrder()
    {
        using var client = _host.Client();
        var conversationId = await ConnectedAsync(client, "send-1");
        var customerLeg = await CustomerLegAsync(client, conversationId);
        for (var round = 0; round < 5; round++)
        {
            (await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/participants/{customerLeg}/hold", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            await Bus.Publish(new LegHeld("t1", conversationId, customerLeg, Worker, DateTimeOffset.UtcNow));
            await WaitForHeldAsync(client, conversationId, customerLeg, held: true);
            (await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/participants/{customerLeg}/resume", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            await Bus.Publish(new LegResumed("t1", conversationId, customerLeg, Worker, DateTimeOffset.UtcNow));
            await WaitForHeldAsync(client, conversationId, customerLeg, held: false);
        }

        // Ending it sends both legs' hang-ups; the legs' ends end the conversation.
        (await client.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/end", new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        foreach (var leg in await LegsAsync(client, conversationId))
        {
            await Bus.Publish(new LegEnded("t1", conversationId, leg, Worker, DisconnectReason.Success, 200, Initiator.System, DateTimeOffset.UtcNow));
        }

        await WaitForAsync(client, conversationId, c => c.GetProperty("state").GetString() == "ended", "the conversation to end");

        // Once the log road has read past the conversation's last event, nothing more may come.
        await WaitForDispatchPastAsync(conversationId);
        await Task.Delay(200);
        List<(string Type, string CommandId, string LegId, string ConversationId)> received;
        lock (Received)
        {
            received = [.. Received.Where(r => r.ConversationId == conversationId)];
        }

        received.Select(r => r.CommandId).ShouldBeUnique();
        var onCustomer = received.Where(r => r.LegId == customerLeg && r.Type is nameof(HoldLeg) or nameof(ResumeLeg)).Select(r => r.Type).ToList();
        onCustomer.ShouldBe(Enumerable.Range(0, 10).Select(i => i % 2 == 0 ? nameof(HoldLeg) : nameof(ResumeLeg)));
        received.Count(r => r.Type == nameof(PlaceLeg)).ShouldBe(2, string.Join(", ", received));
        received[0].Type.ShouldBe(nameof(PlaceLeg));
        received.Count(r => r.Type == nameof(HangUpLeg)).ShouldBe(2, string.Join(", ", received));
    }

    [Fact]
    public async Task ACommandSentAfterTheLastOneWasAnsweredLeavesRightAfterItsAppend()
    {
        using var client = _host.Client();
        var conversationId = await ConnectedAsync(client, "send-2");
        var customerLeg = await CustomerLegAsync(client, conversationId);
        await WaitForDispatchPastAsync(conversationId);
        lock (Received)
        {
            Answered.Add(conversationId);
        }

        // The worker's answers are slow to reach the media sender: the next command must still find it has seen them.
        _host.SlowFacts.Add(conversationId);
        var before = await CommandsSentAsync(client);
        int receivedBefore;
        lock (Received)
        {
            receivedBefore = Received.Count(r => r.ConversationId == conversationId);
        }

        for (var round = 0; round < 3; round++)
        {
            foreach (var action in new[] { "hold", "resume" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{conversationId}/participants/{customerLeg}/{action}")
                {
                    Content = JsonContent.Create(new { }),
                };
                request.Headers.Add("Prefer", "wait=5");
                (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK, action);
            }
        }

        await WaitForDispatchPastAsync(conversationId);
        var after = await CommandsSentAsync(client);
        int received;
        lock (Received)
        {
            received = Received.Count(r => r.ConversationId == conversationId) - receivedBefore;
        }

        received.ShouldBeGreaterThanOrEqualTo(6, "each hold and resume sent at least its own command");
        (after.Log - before.Log).ShouldBe(0, "none was left to the log");
        (after.Append - before.Append).ShouldBe(received, "every command left right after its append");
    }

    private static async Task<(double Append, double Log)> CommandsSentAsync(HttpClient client)
    {
        var text = CallControl.Api.Tests.Observability.Metrics.PrometheusTextParser.Parse(await client.GetStringAsync("/metrics"));
        double Sent(string road) =>
            text.All("callcontrol_media_commands_sent_total").Where(s => s.Labels.GetValueOrDefault("road") == road).Sum(s => s.Value);
        return (Sent("append"), Sent("log"));
    }

    private void Capture<T>(
        IReceiveEndpointConfigurator endpoint, Func<T, (string CommandId, string LegId, string ConversationId)> describe, Func<T, object>? answer = null)
        where T : class =>
        endpoint.Handler<T>(async context =>
        {
            var (commandId, legId, conversationId) = describe(context.Message);
            bool answering;
            lock (Received)
            {
                Received.Add((typeof(T).Name, commandId, legId, conversationId));
                answering = answer is not null && Answered.Contains(conversationId);
            }

            if (answering)
            {
                var fact = answer!(context.Message);
                await context.Publish(fact, fact.GetType());
            }
        });

    /// <summary>The API host, with an append observer ahead of the media sender that takes its time over the worker's facts in chosen conversations.</summary>
    public sealed class SlowFactsHost : ApiHost
    {
        public SlowFactObserver.Conversations SlowFacts { get; } = new();

        public ProbeWorker Probe { get; } = new();

        // Waiting requests learn of answers only from this instance's wake-up, not from a look at the store.
        protected override IReadOnlyDictionary<string, string> Settings { get; } =
            new Dictionary<string, string> { ["Commands:WaitPollMilliseconds"] = "10000" };

        protected override void ConfigureServices(IServiceCollection services) =>
            services.Insert(0, ServiceDescriptor.Singleton<IConversationAppendObserver>(new SlowFactObserver(SlowFacts)));
    }

    /// <summary>The class's stand-in worker: its queue, and the commands that reached it.</summary>
    public sealed class ProbeWorker
    {
        public string WorkerId { get; } = "send-probe-" + Guid.NewGuid().ToString("N")[..8];

        public List<(string Type, string CommandId, string LegId, string ConversationId)> Received { get; } = [];

        /// <summary>Conversations whose holds and resumes the probe confirms at once.</summary>
        public HashSet<string> Answered { get; } = [];

        public HostReceiveEndpointHandle? Queue { get; set; }
    }

    public sealed class SlowFactObserver(SlowFactObserver.Conversations slow) : IConversationAppendObserver
    {
        public async Task AppendedAsync(
            string tenantId, string conversationId, Conversation.Started after, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            if (slow.Contains(conversationId) && events[0].Metadata.Actor?.StartsWith("media:", StringComparison.Ordinal) == true)
            {
                await Task.Delay(300, CancellationToken.None);
            }
        }

        public sealed class Conversations
        {
            private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _ids = new();

            public void Add(string conversationId) => _ids[conversationId] = true;

            public bool Contains(string conversationId) => _ids.ContainsKey(conversationId);
        }
    }

    private async Task<string> ConnectedAsync(HttpClient client, string agentId)
    {
        (await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070" } }))
            .EnsureSuccessStatusCode();
        var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = "sip:customer@127.0.0.1:5080" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var conversationId = body.RootElement.GetProperty("id").GetString()!;
        var agentLeg = body.RootElement.GetProperty("participants")[0].GetProperty("id").GetString()!;
        await Bus.Publish(new LegAnswered("t1", conversationId, agentLeg, Worker, DateTimeOffset.UtcNow));
        var customerLeg = await CustomerLegAsync(client, conversationId);
        await Bus.Publish(new LegAnswered("t1", conversationId, customerLeg, Worker, DateTimeOffset.UtcNow));
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
