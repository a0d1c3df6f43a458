using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>A click-to-dial call the agent's station and the customer have answered, both talking.</summary>
public sealed record ClickToDial(string Id, string AgentParticipantId, string CustomerParticipantId)
{
    public string Path => $"/api/v1/conversations/{Id}";

    public string Agent(string action) => $"{Path}/participants/{AgentParticipantId}/{action}";

    public string Customer(string action) => $"{Path}/participants/{CustomerParticipantId}/{action}";

    /// <summary>
    /// Registers <paramref name="agentId"/> at <paramref name="station"/>, calls <paramref name="customer"/> for it, and
    /// returns once both answered, talk, and hear each other. By then SIPp has long passed the ACK, so a re-INVITE
    /// (a hold) no longer catches it before its next step, which would abort its call.
    /// </summary>
    public static async Task<ClickToDial> ConnectAsync(
        CallControlStack stack, HttpClient client, string agentId, TalkingPhone station, TalkingPhone customer)
    {
        var connected = await stack.DialAsync(client, agentId, station.Sipp, customer.Uri("customer"));
        var id = connected.GetProperty("id").GetString()!;
        await station.TalkAsync();
        await customer.TalkAsync();
        var call = new ClickToDial(
            id,
            IdOf(Participant(connected, p => Role(p) == "agent"))!,
            IdOf(Participant(connected, p => Role(p) == "customer"))!);

        TalkingPhone[] both = [station, customer];
        await Task.WhenAll(
            station.HearsAsync(customer, both, "the agent to hear the customer"),
            customer.HearsAsync(station, both, "the customer to hear the agent"));
        return call;
    }

    public static string? IdOf(JsonElement participant) => participant.GetProperty("id").GetString();

    public static string Role(JsonElement participant) => participant.GetProperty("role").GetString()!;

    /// <summary>Ends the conversation, waits until it has ended, and checks that each of <paramref name="phones"/> saw its whole call.</summary>
    public async Task<JsonElement> EndAsync(HttpClient client, params TalkingPhone[] phones)
    {
        var (status, body) = await CommandAsync(client, $"{Path}/end");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var ended = await WaitForAsync(client, Id, c => c.GetProperty("state").GetString() == "ended", "the conversation to end");
        foreach (var phone in phones)
        {
            var result = await phone.FinishedAsync();
            result.Succeeded.ShouldBeTrue(result.ToString());
        }

        return ended;
    }

    /// <summary>The conversation's history, oldest first.</summary>
    public async Task<List<JsonElement>> HistoryAsync(HttpClient client)
    {
        using var history = JsonDocument.Parse(await client.GetStringAsync($"{Path}/events?limit=500"));
        return [.. history.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
