using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using CallControl.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Media;

public sealed class MediaFactTests : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly ApiHost _host;

    public MediaFactTests(ApiHost host) => _host = host;

    private IBus Bus => _host.Services.GetRequiredService<IBus>();

    [Fact]
    public async Task AnsweredLegsPublishedOnTheBusConnectTheConversation()
    {
        using var client = _host.Client();
        var (conversationId, agentLeg) = await StartAsync(client, "facts-1");

        await Bus.Publish(new LegAnswered("t1", conversationId, agentLeg, "worker-1", DateTimeOffset.UtcNow));
        var customerLeg = (await WaitForAsync(client, conversationId, c => Participants(c).Count == 2))
            .GetProperty("participants")[1].GetProperty("id").GetString()!;
        await Bus.Publish(new LegAnswered("t1", conversationId, customerLeg, "worker-1", DateTimeOffset.UtcNow));

        var connected = await WaitForAsync(client, conversationId, c => c.GetProperty("state").GetString() == "connected");
        Participants(connected).ShouldAllBe(p => p.GetProperty("state").GetString() == "connected");
    }

    [Fact]
    public async Task HoldWithPreferWaitAnswers200OnceTheWorkerConfirmsAndADuplicateFactChangesNothing()
    {
        using var client = _host.Client();
        var (conversationId, customerLeg) = await ConnectedAsync(client, "facts-2");

        var confirm = Task.Run(async () =>
        {
            await Task.Delay(300);
            await Bus.Publish(new LegHeld("t1", conversationId, customerLeg, "worker-1", DateTimeOffset.UtcNow));
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{conversationId}/participants/{customerLeg}/hold");
        request.Headers.Add("Prefer", "wait=5");
        var response = await client.SendAsync(request);
        await confirm;

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Participants(body.RootElement).Single(p => p.GetProperty("id").GetString() == customerLeg).GetProperty("held").GetBoolean().ShouldBeTrue();
        var version = body.RootElement.GetProperty("version").GetInt64();

        await Bus.Publish(new LegHeld("t1", conversationId, customerLeg, "worker-1", DateTimeOffset.UtcNow));
        await Task.Delay(500);
        (await GetAsync(client, conversationId)).GetProperty("version").GetInt64().ShouldBe(version, "a duplicate fact decides nothing");
    }

    [Fact]
    public async Task HoldWithPreferWaitAnswers502WhenTheWorkerRefusesTheReInvite()
    {
        using var client = _host.Client();
        var (conversationId, customerLeg) = await ConnectedAsync(client, "facts-3");

        var refuse = Task.Run(async () =>
        {
            await Task.Delay(300);
            await Bus.Publish(new LegCommandFailed("t1", conversationId, customerLeg, "worker-1", MediaOperation.Hold, 488, "Not Acceptable Here", DateTimeOffset.UtcNow));
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{conversationId}/participants/{customerLeg}/hold");
        request.Headers.Add("Prefer", "wait=5");
        var response = await client.SendAsync(request);
        await refuse;

        response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await response.Content.ReadAsStringAsync()).ShouldContain("urn:callcontrol:problem:media-failure");
        Participants(await GetAsync(client, conversationId)).Single(p => p.GetProperty("id").GetString() == customerLeg)
            .GetProperty("held").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task TheCustomerHangingUpEndsTheConversationOnceTheAgentsLegIsGone()
    {
        using var client = _host.Client();
        var (conversationId, customerLeg) = await ConnectedAsync(client, "facts-4");
        var agentLeg = Participants(await GetAsync(client, conversationId)).Single(p => p.GetProperty("role").GetString() == "agent").GetProperty("id").GetString()!;

        await Bus.Publish(new LegEnded("t1", conversationId, customerLeg, "worker-1", DisconnectReason.Success, 200, Initiator.Customer, DateTimeOffset.UtcNow));
        await WaitForAsync(client, conversationId, c => Participants(c).Any(p => p.GetProperty("state").GetString() == "disconnected"));
        await Bus.Publish(new LegEnded("t1", conversationId, agentLeg, "worker-1", DisconnectReason.Success, 200, Initiator.System, DateTimeOffset.UtcNow));

        var ended = await WaitForAsync(client, conversationId, c => c.GetProperty("state").GetString() == "ended");
        var customer = Participants(ended).Single(p => p.GetProperty("id").GetString() == customerLeg);
        customer.GetProperty("disconnectReason").GetString().ShouldBe("success");
        customer.GetProperty("initiator").GetString().ShouldBe("customer");
    }

    [Fact]
    public async Task AFactForAConversationNobodyKnowsIsDroppedWithoutHarm()
    {
        await Bus.Publish(new LegAnswered("t1", "no-such-conversation", "leg", "worker-1", DateTimeOffset.UtcNow));
        await Task.Delay(300);
        using var client = _host.Client();
        (await client.GetAsync("/api/v1/conversations/no-such-conversation")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private static List<JsonElement> Participants(JsonElement conversation) => [.. conversation.GetProperty("participants").EnumerateArray()];

    private async Task<(string ConversationId, string AgentLeg)> StartAsync(HttpClient client, string agentId)
    {
        (await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070" } }))
            .EnsureSuccessStatusCode();
        var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = "sip:customer@127.0.0.1:5080" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetString()!, body.RootElement.GetProperty("participants")[0].GetProperty("id").GetString()!);
    }

    /// <summary>A conversation whose agent and customer legs both answered; returns the customer's leg.</summary>
    private async Task<(string ConversationId, string CustomerLeg)> ConnectedAsync(HttpClient client, string agentId)
    {
        var (conversationId, agentLeg) = await StartAsync(client, agentId);
        await Bus.Publish(new LegAnswered("t1", conversationId, agentLeg, "worker-1", DateTimeOffset.UtcNow));
        var customerLeg = (await WaitForAsync(client, conversationId, c => Participants(c).Count == 2))
            .GetProperty("participants")[1].GetProperty("id").GetString()!;
        await Bus.Publish(new LegAnswered("t1", conversationId, customerLeg, "worker-1", DateTimeOffset.UtcNow));
        await WaitForAsync(client, conversationId, c => c.GetProperty("state").GetString() == "connected");
        return (conversationId, customerLeg);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string conversationId)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{conversationId}"));
        return document.RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string conversationId, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var conversation = await GetAsync(client, conversationId);
            if (condition(conversation))
            {
                return conversation;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Conversation {conversationId} did not reach the expected state: {conversation}");
            }

            await Task.Delay(50);
        }
    }
}
