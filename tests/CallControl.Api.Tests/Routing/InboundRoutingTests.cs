using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Routing;

public sealed class InboundRoutingTests : IClassFixture<RoutingHost>
{
    private const string Worker = "routing-test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly RoutingHost _host;

    public InboundRoutingTests(RoutingHost host) => _host = host;

    private IBus Bus => _host.Services.GetRequiredService<IBus>();

    [Fact]
    public async Task AnInboundCallRingsTheFirstAgentAndAnUnansweredOfferPassesToTheNextWhoCanAccept()
    {
        using var client = _host.Client();
        await PutAgentsAsync(client, "next-1", "next-2");

        var call = await ReceiveAsync(RoutingHost.Dids.NextAgent);
        var offered = await WaitForAsync(client, call.ConversationId, c => Agent(c, "next-1") is not null);
        offered.GetProperty("direction").GetString().ShouldBe("inbound");
        offered.GetProperty("state").GetString().ShouldBe("alerting");
        var customer = Participant(offered, call.LegId);
        customer.GetProperty("role").GetString().ShouldBe("customer");
        customer.GetProperty("state").GetString().ShouldBe("alerting");
        customer.GetProperty("address").GetString().ShouldBe(call.From);
        Agent(offered, "next-1")!.Value.GetProperty("state").GetString().ShouldBe("alerting");
        Agent(offered, "next-1")!.Value.GetProperty("address").GetString().ShouldBe("sip:next-1@127.0.0.1:5070");

        var passed = await WaitForAsync(client, call.ConversationId, c => Agent(c, "next-2") is not null);
        var first = Agent(passed, "next-1")!.Value;
        first.GetProperty("state").GetString().ShouldBe("disconnected");
        first.GetProperty("disconnectReason").GetString().ShouldBe("timeout");
        first.GetProperty("initiator").GetString().ShouldBe("system");
        var second = Agent(passed, "next-2")!.Value;
        second.GetProperty("state").GetString().ShouldBe("alerting");

        var accept = await client.PostAsync($"/api/v1/conversations/{call.ConversationId}/participants/{second.GetProperty("id").GetString()}/accept", null);
        accept.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Task.Delay(TimeSpan.FromSeconds(RoutingHost.OfferTimeoutSeconds + 1));
        var accepted = await GetAsync(client, call.ConversationId);
        Agent(accepted, "next-2")!.Value.GetProperty("state").GetString().ShouldBe("alerting", "an accepted offer is not expired");
        Agent(accepted, "next-2")!.Value.GetProperty("pending").EnumerateArray().Select(p => p.GetProperty("command").GetString()).ShouldContain("accept");
        Participant(accepted, call.LegId).GetProperty("state").GetString().ShouldBe("alerting");
    }

    [Fact]
    public async Task AnAgentWithEveryLineInUseAndAnAgentUnknownInTheTenantAreSkipped()
    {
        using var client = _host.Client();
        await PutAgentsAsync(client, "busy-full", "busy-free");
        await StartOutboundAsync(client, "busy-full");

        var call = await ReceiveAsync(RoutingHost.Dids.Busy);
        var offered = await WaitForAsync(client, call.ConversationId, c => Agent(c, "busy-free") is not null);

        Agent(offered, "busy-full").ShouldBeNull();
        Agent(offered, "busy-missing").ShouldBeNull();
        Agent(offered, "busy-free")!.Value.GetProperty("state").GetString().ShouldBe("alerting");
    }

    [Fact]
    public async Task AnAgentWithASecondLineFreeIsOfferedWhileOnAnotherCall()
    {
        using var client = _host.Client();
        await PutAgentsAsync(client, lineAppearances: 2, "two-lines");
        await StartOutboundAsync(client, "two-lines");

        var call = await ReceiveAsync(RoutingHost.Dids.SecondLine);

        var offered = await WaitForAsync(client, call.ConversationId, c => Agent(c, "two-lines") is not null);
        Agent(offered, "two-lines")!.Value.GetProperty("state").GetString().ShouldBe("alerting");
    }

    [Fact]
    public async Task ADeclinedOfferPassesToTheNextAgentAtOnce()
    {
        using var client = _host.Client();
        await PutAgentsAsync(client, "declined-1", "declined-2");
        var call = await ReceiveAsync(RoutingHost.Dids.Declined);
        var offered = await WaitForAsync(client, call.ConversationId, c => Agent(c, "declined-1") is not null);

        var reject = await client.PostAsync($"/api/v1/conversations/{call.ConversationId}/participants/{Agent(offered, "declined-1")!.Value.GetProperty("id").GetString()}/reject", null);
        reject.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var passed = await WaitForAsync(client, call.ConversationId, c => Agent(c, "declined-2") is not null, TimeSpan.FromSeconds(RoutingHost.OfferTimeoutSeconds - 0.5));
        Agent(passed, "declined-1")!.Value.GetProperty("disconnectReason").GetString().ShouldBe("decline");
        Agent(passed, "declined-2")!.Value.GetProperty("state").GetString().ShouldBe("alerting");
    }

    [Fact]
    public async Task WithEveryAgentTriedTheCallerIsReleasedWithTimeout()
    {
        using var client = _host.Client();
        await PutAgentsAsync(client, "exhausted-1");
        var call = await ReceiveAsync(RoutingHost.Dids.Exhausted);
        await WaitForAsync(client, call.ConversationId, c => Agent(c, "exhausted-1") is not null);

        var history = await WaitForHistoryAsync(client, call.ConversationId, "ParticipantEndRequested");
        var endRequested = history.Last(e => e.GetProperty("type").GetString() == "ParticipantEndRequested").GetProperty("data");
        endRequested.GetProperty("participantId").GetString().ShouldBe(call.LegId);
        endRequested.GetProperty("reason").GetString().ShouldBe("timeout");

        // The worker hangs the caller's leg up as asked and reports it gone.
        await Bus.Publish(new LegEnded("t1", call.ConversationId, call.LegId, Worker, DisconnectReason.Cancel, 487, Initiator.System, DateTimeOffset.UtcNow));
        var ended = await WaitForAsync(client, call.ConversationId, c => c.GetProperty("state").GetString() == "ended");
        var customer = Participant(ended, call.LegId);
        customer.GetProperty("disconnectReason").GetString().ShouldBe("timeout");
        customer.GetProperty("initiator").GetString().ShouldBe("system");
        Agent(ended, "exhausted-1")!.Value.GetProperty("disconnectReason").GetString().ShouldBe("timeout");
    }

    [Fact]
    public async Task ARedeliveredInboundCallCreatesNothingNew()
    {
        using var client = _host.Client();
        await PutAgentsAsync(client, "duplicate-1", "duplicate-2");
        var call = await ReceiveAsync(RoutingHost.Dids.Duplicate);
        var offered = await WaitForAsync(client, call.ConversationId, c => Agent(c, "duplicate-1") is not null);
        // Accepted, so the offer timer cannot change the conversation while the duplicate is looked at.
        (await client.PostAsync($"/api/v1/conversations/{call.ConversationId}/participants/{Agent(offered, "duplicate-1")!.Value.GetProperty("id").GetString()}/accept", null))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var before = await WaitForAsync(client, call.ConversationId, c => c.GetProperty("version").GetInt64() > offered.GetProperty("version").GetInt64());

        await Bus.Publish(call);
        await Bus.Publish(call with { OccurredAt = call.OccurredAt.AddMilliseconds(10) });
        await Task.Delay(TimeSpan.FromSeconds(1));

        var after = await GetAsync(client, call.ConversationId);
        after.GetProperty("version").GetInt64().ShouldBe(before.GetProperty("version").GetInt64());
        Participants(after).Count.ShouldBe(2);
        Agent(after, "duplicate-2").ShouldBeNull();
    }

    [Fact]
    public async Task ACallToANumberWithoutARuleIsRefusedWith404OnTheWorkersQueue()
    {
        const string worker = "routing-refusals";
        var refused = new TaskCompletionSource<RejectLeg>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = Bus.ConnectReceiveEndpoint(MediaQueues.ForWorker(worker), endpoint =>
            endpoint.Handler<RejectLeg>(context =>
            {
                refused.TrySetResult(context.Message);
                return Task.CompletedTask;
            }));
        await handle.Ready;
        try
        {
            var call = new InboundCallReceived(worker, Guid.CreateVersion7().ToString(), Guid.CreateVersion7().ToString(), "+15559990000", RoutingHost.Dids.Unrouted, null, DateTimeOffset.UtcNow);
            await Bus.Publish(call);

            var reject = await refused.Task.WaitAsync(Patience);
            reject.SipStatus.ShouldBe(404);
            reject.LegId.ShouldBe(call.LegId);
            reject.ConversationId.ShouldBe(call.ConversationId);
            reject.CommandId.ShouldBe("reject:" + call.LegId);
            using var client = _host.Client();
            (await client.GetAsync($"/api/v1/conversations/{call.ConversationId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        finally
        {
            await handle.StopAsync();
        }
    }

    private async Task<InboundCallReceived> ReceiveAsync(string did)
    {
        var call = new InboundCallReceived(Worker, Guid.CreateVersion7().ToString(), Guid.CreateVersion7().ToString(), "+15557770000", did, "Caller", DateTimeOffset.UtcNow);
        await Bus.Publish(call);
        return call;
    }

    private static Task PutAgentsAsync(HttpClient client, params string[] agentIds) => PutAgentsAsync(client, 1, agentIds);

    private static async Task PutAgentsAsync(HttpClient client, int lineAppearances, params string[] agentIds)
    {
        foreach (var agentId in agentIds)
        {
            (await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070", lineAppearances } }))
                .EnsureSuccessStatusCode();
        }
    }

    private static async Task StartOutboundAsync(HttpClient client, string agentId)
    {
        var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = "sip:customer@127.0.0.1:5080" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    private static List<JsonElement> Participants(JsonElement conversation) => [.. conversation.GetProperty("participants").EnumerateArray()];

    private static JsonElement Participant(JsonElement conversation, string id) =>
        Participants(conversation).Single(p => p.GetProperty("id").GetString() == id);

    private static JsonElement? Agent(JsonElement conversation, string agentId) =>
        Participants(conversation).Where(p => p.TryGetProperty("agentId", out var a) && a.GetString() == agentId).Select(p => (JsonElement?)p).SingleOrDefault();

    private static async Task<JsonElement> GetAsync(HttpClient client, string conversationId)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{conversationId}"));
        return document.RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string conversationId, Func<JsonElement, bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Patience);
        JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var response = await client.GetAsync($"/api/v1/conversations/{conversationId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                last = document.RootElement.Clone();
                if (condition(last.Value))
                {
                    return last.Value;
                }
            }

            await Task.Delay(50);
        }

        throw new ShouldAssertException($"Conversation {conversationId} did not reach the expected state; last seen: {last?.ToString() ?? "not found"}");
    }

    private static async Task<List<JsonElement>> WaitForHistoryAsync(HttpClient client, string conversationId, string eventType)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var document = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{conversationId}/events"));
            var events = document.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
            if (events.Any(e => e.GetProperty("type").GetString() == eventType) || DateTime.UtcNow > deadline)
            {
                events.ShouldContain(e => e.GetProperty("type").GetString() == eventType);
                return events;
            }

            await Task.Delay(50);
        }
    }
}
