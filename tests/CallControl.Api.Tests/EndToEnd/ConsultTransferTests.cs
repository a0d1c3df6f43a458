using System.Net;
using System.Text.Json;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;
using static CallControl.Api.Tests.EndToEnd.ClickToDial;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>
/// Consult transfer on the wire: the agent calls a third phone while the customer waits with music, then hands
/// the customer over or goes back to them. Every phone talks on its own tone, so who is bridged with whom is
/// checked by what each one hears.
/// </summary>
[Collection(CallFeatures.Name)]
public sealed class ConsultTransferTests
{
    private readonly CallControlStack _stack;

    public ConsultTransferTests(CallControlStack stack) => _stack = stack;

    [Fact]
    public async Task ACompletedConsultBridgesTheCustomerWithTheTargetAndDropsTheAgent()
    {
        using var client = _stack.Client();
        await using var station = await TalkingPhone.StartAsync(_stack, 1000);
        await using var customer = await TalkingPhone.StartAsync(_stack, 1600);
        await using var target = await TalkingPhone.StartAsync(_stack, 2200);
        TalkingPhone[] everyone = [station, customer, target];
        var call = await ConnectAsync(_stack, client, "consult-a1", station, customer);
        var targetId = await ConsultAsync(client, call, station, customer, target, everyone);

        var (status, completed) = await CommandAsync(client, call.Agent("transfer/complete"));

        // Answered once the media layer resumed the customer and the agent's leg has ended.
        status.ShouldBe(HttpStatusCode.OK, completed.ToString());
        var agent = Participant(completed, p => IdOf(p) == call.AgentParticipantId);
        State(agent).ShouldBe("disconnected");
        agent.GetProperty("disconnectReason").GetString().ShouldBe("transfer");
        agent.GetProperty("initiator").GetString().ShouldBe("agent");
        State(Participant(completed, p => IdOf(p) == targetId)).ShouldBe("connected");
        Participant(completed, p => IdOf(p) == call.CustomerParticipantId).GetProperty("held").GetBoolean().ShouldBeFalse();
        NoTransfer(completed).ShouldBeTrue(completed.ToString());
        await Task.WhenAll(
            customer.HearsAsync(target, everyone, "the customer to hear the target"),
            target.HearsAsync(customer, everyone, "the target to hear the customer"));

        var final = await call.EndAsync(client, everyone);

        customer.Messages().ShouldContain("a=sendonly");
        var history = await call.HistoryAsync(client);
        var types = history.Select(e => e.GetProperty("type").GetString()).ToList();
        var requested = history.Single(e => e.GetProperty("type").GetString() == "TransferRequested").GetProperty("data");
        requested.GetProperty("kind").GetString().ShouldBe("consult");
        requested.GetProperty("peerParticipantId").GetString().ShouldBe(call.CustomerParticipantId);
        types.ShouldContain("ParticipantHeld");
        types.ShouldContain("TransferCompleteRequested");
        types.ShouldContain("ParticipantResumed");
        types.ShouldContain("TransferCompleted");
        types.ShouldNotContain("TransferFailed");
        types.IndexOf("TransferRequested").ShouldBeLessThan(types.IndexOf("TransferCompleteRequested"));
        types.IndexOf("TransferCompleteRequested").ShouldBeLessThan(types.IndexOf("TransferCompleted"));
        types[^1].ShouldBe("ConversationEnded");
        history[^1].GetProperty("version").GetInt64().ShouldBe(final.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task ACancelledConsultEndsTheTargetAndReunitesTheAgentWithTheCustomer()
    {
        using var client = _stack.Client();
        await using var station = await TalkingPhone.StartAsync(_stack, 1000);
        await using var customer = await TalkingPhone.StartAsync(_stack, 1600);
        await using var target = await TalkingPhone.StartAsync(_stack, 2200);
        TalkingPhone[] everyone = [station, customer, target];
        var call = await ConnectAsync(_stack, client, "consult-a2", station, customer);
        var targetId = await ConsultAsync(client, call, station, customer, target, everyone);

        var (status, cancelled) = await CommandAsync(client, call.Agent("transfer/cancel"));

        // Answered once the media layer resumed the customer and the target's leg has ended.
        status.ShouldBe(HttpStatusCode.OK, cancelled.ToString());
        var gone = Participant(cancelled, p => IdOf(p) == targetId);
        State(gone).ShouldBe("disconnected");
        gone.GetProperty("disconnectReason").GetString().ShouldBe("cancel");
        gone.GetProperty("initiator").GetString().ShouldBe("agent");
        State(Participant(cancelled, p => IdOf(p) == call.AgentParticipantId)).ShouldBe("connected");
        Participant(cancelled, p => IdOf(p) == call.CustomerParticipantId).GetProperty("held").GetBoolean().ShouldBeFalse();
        NoTransfer(cancelled).ShouldBeTrue(cancelled.ToString());
        (await target.FinishedAsync()).Succeeded.ShouldBeTrue("the target got a BYE and answered it");
        await Task.WhenAll(
            station.HearsAsync(customer, everyone, "the agent to hear the customer again"),
            customer.HearsAsync(station, everyone, "the customer to hear the agent again"));

        await call.EndAsync(client, station, customer);
        var types = (await call.HistoryAsync(client)).Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("TransferCancelRequested");
        types.ShouldContain("TransferFailed");
        types.ShouldNotContain("TransferCompleted");
        types.IndexOf("TransferCancelRequested").ShouldBeLessThan(types.LastIndexOf("ParticipantResumed"));
        types[^1].ShouldBe("ConversationEnded");
    }

    private static bool NoTransfer(JsonElement conversation) =>
        !conversation.TryGetProperty("transfer", out var transfer) || transfer.ValueKind == JsonValueKind.Null;

    /// <summary>
    /// Starts a consult from the agent to <paramref name="target"/> and waits until the customer hears music and
    /// the agent and the target hear each other. Returns the target's participant id.
    /// </summary>
    private static async Task<string> ConsultAsync(
        HttpClient client, ClickToDial call, TalkingPhone station, TalkingPhone customer, TalkingPhone target, TalkingPhone[] everyone)
    {
        var (status, consulted) = await CommandAsync(client, call.Agent("transfer"), new { to = target.Uri("target"), kind = "consult" });

        // Answered once the customer is held and the target has answered.
        status.ShouldBe(HttpStatusCode.OK, consulted.ToString());
        Participant(consulted, p => IdOf(p) == call.CustomerParticipantId).GetProperty("held").GetBoolean().ShouldBeTrue();
        var external = Participant(consulted, p => Role(p) == "external");
        State(external).ShouldBe("connected");
        external.GetProperty("address").GetString().ShouldBe(target.Uri("target"));
        var transfer = consulted.GetProperty("transfer");
        transfer.GetProperty("kind").GetString().ShouldBe("consult");
        transfer.GetProperty("phase").GetString().ShouldBe("in-progress");
        transfer.GetProperty("targetParticipantId").GetString().ShouldBe(IdOf(external));
        State(Participant(consulted, p => IdOf(p) == call.AgentParticipantId)).ShouldBe("connected");

        await target.TalkAsync();
        await Task.WhenAll(
            customer.HearsMusicAsync(everyone, "the held customer to hear music"),
            station.HearsAsync(target, everyone, "the agent to hear the target"),
            target.HearsAsync(station, everyone, "the target to hear the agent"));
        return IdOf(external)!;
    }
}
