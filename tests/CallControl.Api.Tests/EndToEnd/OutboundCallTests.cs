using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CallControl.Api.Tests.Webhooks;
using CallControl.Testing;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>Click-to-dial through the whole service: REST → events → media worker → SIPp phones → facts → events.</summary>
public sealed class OutboundCallTests : IClassFixture<CallControlStack>
{
    private readonly CallControlStack _stack;

    public OutboundCallTests(CallControlStack stack) => _stack = stack;

    [Fact]
    public async Task AClickToDialCallIsHeldResumedMutedTransferredAndEndedOnTheWire()
    {
        using var client = _stack.Client();
        using var customerMedia = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var customerMediaPort = ((IPEndPoint)customerMedia.Client.LocalEndPoint!).Port;
        await using var station = await _stack.PhoneAsync();
        await using var customer = await _stack.PhoneAsync(mediaPort: customerMediaPort);
        await using var target = await _stack.PhoneAsync();
        await _stack.PutAgentAsync(client, "out-a1", station);
        await using var receiver = await WebhookReceiver.StartAsync();
        (await client.PostAsJsonAsync("/api/v1/webhooks", new
        {
            url = receiver.Url,
            events = new[] { "conversationUpdate", "participant.held", "conversation.ended" },
            agentIds = new[] { "out-a1" },
        })).EnsureSuccessStatusCode();

        var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId = "out-a1", to = Uri(customer, "customer") });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        var connected = await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "connected", "station and customer to answer");
        var agent = Participant(connected, p => p.GetProperty("role").GetString() == "agent").GetProperty("id").GetString()!;
        var customerId = Participant(connected, p => p.GetProperty("role").GetString() == "customer").GetProperty("id").GetString()!;
        // SIPp runs the step after the ACK on a later pass of its scheduler; a re-INVITE before that aborts its call.
        await Task.Delay(300);

        var (holdStatus, held) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{customerId}/hold");
        holdStatus.ShouldBe(HttpStatusCode.OK, held.ToString());
        Participant(held, p => p.GetProperty("id").GetString() == customerId).GetProperty("held").GetBoolean().ShouldBeTrue();
        (await CountPacketsAsync(customerMedia, TimeSpan.FromSeconds(1))).ShouldBeGreaterThan(20, "music on hold reaches the held customer");

        var (resumeStatus, resumed) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{customerId}/resume");
        resumeStatus.ShouldBe(HttpStatusCode.OK, resumed.ToString());
        Participant(resumed, p => p.GetProperty("id").GetString() == customerId).GetProperty("held").GetBoolean().ShouldBeFalse();

        var (muteStatus, muted) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{customerId}/mute");
        muteStatus.ShouldBe(HttpStatusCode.OK, muted.ToString());
        Participant(muted, p => p.GetProperty("id").GetString() == customerId).GetProperty("muted").GetBoolean().ShouldBeTrue();

        var (transferStatus, transferring) = await CommandAsync(
            client, $"/api/v1/conversations/{id}/participants/{agent}/transfer", new { to = Uri(target, "target"), kind = "blind" });
        transferStatus.ShouldBe(HttpStatusCode.OK, transferring.ToString());
        var transferred = await WaitForAsync(client, id, c => State(Participant(c, p => p.GetProperty("id").GetString() == agent)) == "disconnected", "the agent to leave");
        Participant(transferred, p => p.GetProperty("id").GetString() == agent).GetProperty("disconnectReason").GetString().ShouldBe("transfer");
        State(Participant(transferred, p => p.GetProperty("role").GetString() == "external")).ShouldBe("connected");

        var (endStatus, ended) = await CommandAsync(client, $"/api/v1/conversations/{id}/end");
        endStatus.ShouldBe(HttpStatusCode.OK, ended.ToString());
        var final = await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "ended", "the conversation to end");

        // Every phone saw its whole call and hung up cleanly; the customer was held with sendonly.
        foreach (var phone in new[] { station, customer, target })
        {
            var result = await phone.WaitAsync(TimeSpan.FromSeconds(20));
            result.Succeeded.ShouldBeTrue(result.ToString());
        }

        Directory.GetFiles(customer.WorkingDirectory, "*messages.log").Select(File.ReadAllText).Single().ShouldContain("a=sendonly");

        // The history tells the same story as the read model.
        using var history = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{id}/events?limit=200"));
        var types = history.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("ParticipantHeld");
        types.ShouldContain("ParticipantResumed");
        types.ShouldContain("ParticipantMuted");
        types.ShouldContain("TransferCompleted");
        types[^1].ShouldBe("ConversationEnded");
        history.RootElement.EnumerateArray().Last().GetProperty("version").GetInt64().ShouldBe(final.GetProperty("version").GetInt64());

        // And so do the webhooks: the hold as an event, and the agent's desk updates numbered without a gap,
        // one of them showing the customer held.
        var hooks = await receiver.WaitForAsync(r => r.Any(m => Type(m) == "conversation.ended"), Patience);
        hooks.Select(Type).ShouldContain("participant.held");
        var updates = hooks.Where(m => Type(m) == "conversationUpdate").Select(m => JsonDocument.Parse(m.Body).RootElement).ToList();
        updates.Select(u => u.GetProperty("sequence").GetInt64()).ShouldBe(Enumerable.Range(1, updates.Count).Select(i => (long)i));
        updates.ShouldContain(u => u.GetProperty("current").EnumerateArray().Any(c =>
            c.GetProperty("conversation").GetProperty("participants").EnumerateArray().Any(p => p.GetProperty("held").GetBoolean())));
    }

    private static string? Type(WebhookReceiver.Received message) => JsonDocument.Parse(message.Body).RootElement.GetProperty("type").GetString();

    [Fact]
    public async Task AStationThatRefusesHoldFailsTheCommandAndStaysUnheld()
    {
        using var client = _stack.Client();
        await using var station = await _stack.PhoneAsync();
        await using var customer = await _stack.PhoneAsync("phone-refuses-hold.xml");
        var connected = await _stack.DialAsync(client, "out-a2", station, Uri(customer, "customer"));
        var id = connected.GetProperty("id").GetString()!;
        var customerId = Participant(connected, p => p.GetProperty("role").GetString() == "customer").GetProperty("id").GetString()!;
        await Task.Delay(300);

        var (status, problem) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{customerId}/hold");

        status.ShouldBe(HttpStatusCode.BadGateway, problem.ToString());
        problem.GetProperty("type").GetString().ShouldBe("urn:callcontrol:problem:media-failure");
        problem.GetProperty("detail").GetString()!.ShouldContain("488");
        var after = await GetAsync(client, id);
        Participant(after, p => p.GetProperty("id").GetString() == customerId).GetProperty("held").GetBoolean().ShouldBeFalse();
        (await CommandAsync(client, $"/api/v1/conversations/{id}/end")).Status.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<int> CountPacketsAsync(UdpClient socket, TimeSpan window)
    {
        using var stop = new CancellationTokenSource(window);
        var count = 0;
        try
        {
            while (true)
            {
                await socket.ReceiveAsync(stop.Token);
                count++;
            }
        }
        catch (OperationCanceledException)
        {
            return count;
        }
    }
}
