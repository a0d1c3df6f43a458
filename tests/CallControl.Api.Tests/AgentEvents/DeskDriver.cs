using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Domain.Media;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.AgentEvents;

/// <summary>Changes an agent's desk through the API and through media facts on the bus, as the media worker would.</summary>
public sealed class DeskDriver
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly HttpClient _client;
    private readonly IBus _bus;

    public DeskDriver(AgentEventsHost host, HttpClient client)
    {
        _client = client;
        _bus = host.Services.GetRequiredService<IBus>();
    }

    public async Task PutAgentAsync(string agentId) =>
        (await _client.PutAsJsonAsync($"/api/v1/agents/{agentId}", new { displayName = agentId, station = new { uri = $"sip:{agentId}@127.0.0.1:5070" } }))
            .EnsureSuccessStatusCode();

    /// <summary>The sequence of the agent's latest update, from the desk snapshot.</summary>
    public async Task<long> SequenceAsync(string agentId)
    {
        using var desk = JsonDocument.Parse(await _client.GetStringAsync($"/api/v1/agents/{agentId}/conversations"));
        return desk.RootElement.GetProperty("sequence").GetInt64();
    }

    /// <summary>Click-to-dial for the agent; returns the conversation and the agent's leg.</summary>
    public async Task<(string ConversationId, string AgentLeg)> DialAsync(string agentId)
    {
        var created = await _client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to = "sip:customer@127.0.0.1:5080" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return (body.RootElement.GetProperty("id").GetString()!, body.RootElement.GetProperty("participants")[0].GetProperty("id").GetString()!);
    }

    /// <summary>The agent's station answers; the service then calls the customer, whose leg is returned.</summary>
    public async Task<string> AnswerAgentAsync(string conversationId, string agentLeg)
    {
        await _bus.Publish(new LegAnswered("t1", conversationId, agentLeg, "worker-1", DateTimeOffset.UtcNow));
        var conversation = await WaitForAsync(conversationId, c => c.GetProperty("participants").GetArrayLength() == 2);
        return conversation.GetProperty("participants")[1].GetProperty("id").GetString()!;
    }

    public async Task AnswerCustomerAsync(string conversationId, string customerLeg)
    {
        await _bus.Publish(new LegAnswered("t1", conversationId, customerLeg, "worker-1", DateTimeOffset.UtcNow));
        await WaitForAsync(conversationId, c => c.GetProperty("state").GetString() == "connected");
    }

    /// <summary>Asks to hold the participant and has the worker confirm it.</summary>
    public async Task HoldAsync(string conversationId, string participantId)
    {
        (await _client.PostAsync($"/api/v1/conversations/{conversationId}/participants/{participantId}/hold", null)).EnsureSuccessStatusCode();
        await _bus.Publish(new LegHeld("t1", conversationId, participantId, "worker-1", DateTimeOffset.UtcNow));
        await WaitForAsync(conversationId, c => c.GetProperty("participants").EnumerateArray()
            .Any(p => p.GetProperty("id").GetString() == participantId && p.GetProperty("held").GetBoolean()));
    }

    /// <summary>Waits until the agent's desk has reached <paramref name="sequence"/>.</summary>
    public async Task WaitForSequenceAsync(string agentId, long sequence)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (await SequenceAsync(agentId) < sequence)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Agent {agentId} did not reach sequence {sequence} within {Patience}.");
            }

            await Task.Delay(50);
        }
    }

    private async Task<JsonElement> WaitForAsync(string conversationId, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using (var document = JsonDocument.Parse(await _client.GetStringAsync($"/api/v1/conversations/{conversationId}")))
            {
                if (condition(document.RootElement))
                {
                    return document.RootElement.Clone();
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Conversation {conversationId} did not reach the expected state within {Patience}.");
            }

            await Task.Delay(50);
        }
    }
}
