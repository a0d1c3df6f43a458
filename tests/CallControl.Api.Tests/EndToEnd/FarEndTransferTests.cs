using System.Net;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;
using static CallControl.Api.Tests.EndToEnd.ClickToDial;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>A far end that sends REFER: the conversation carries out a blind transfer of that participant.</summary>
[Collection(CallFeatures.Name)]
public sealed class FarEndTransferTests
{
    private readonly CallControlStack _stack;

    public FarEndTransferTests(CallControlStack stack) => _stack = stack;

    [Fact]
    public async Task ACustomerWhoRefersIsReplacedByTheReferredPhoneWhichTalksWithTheAgent()
    {
        using var client = _stack.Client();
        await using var station = await TalkingPhone.StartAsync(_stack, 1000);
        await using var target = await TalkingPhone.StartAsync(_stack, 2200);
        await using var customer = await TalkingPhone.StartAsync(
            _stack, 1600, "phone-refers.xml", new Dictionary<string, string> { ["referto"] = target.Uri("target") });
        TalkingPhone[] everyone = [station, customer, target];
        var call = await ConnectAsync(_stack, client, "refer-a1", station, customer);

        // The phone refers when it gets an INFO, the form digits take towards a phone without telephone-event.
        (await CommandAsync(client, call.Customer("digits"), new { digits = "1" })).Status.ShouldBe(HttpStatusCode.OK);

        var transferred = await WaitForAsync(
            client,
            call.Id,
            c => State(Participant(c, p => IdOf(p) == call.CustomerParticipantId)) == "disconnected"
                && c.GetProperty("participants").EnumerateArray().Any(p => Role(p) == "external" && State(p) == "connected"),
            "the referred phone to answer and the customer to leave");
        var gone = Participant(transferred, p => IdOf(p) == call.CustomerParticipantId);
        gone.GetProperty("disconnectReason").GetString().ShouldBe("transfer");
        gone.GetProperty("initiator").GetString().ShouldBe("customer");
        var external = Participant(transferred, p => Role(p) == "external");
        external.GetProperty("address").GetString().ShouldBe(target.Uri("target"));
        State(Participant(transferred, p => IdOf(p) == call.AgentParticipantId)).ShouldBe("connected");
        transferred.GetProperty("state").GetString().ShouldBe("connected");

        await target.TalkAsync();
        await Task.WhenAll(
            station.HearsAsync(target, everyone, "the agent to hear the referred phone"),
            target.HearsAsync(station, everyone, "the referred phone to hear the agent"));
        var referrer = await customer.FinishedAsync();
        referrer.Succeeded.ShouldBeTrue(referrer.ToString());
        customer.Messages().ShouldContain("SIP/2.0 202");

        await call.EndAsync(client, station, target);
        var history = await call.HistoryAsync(client);
        var requested = history.Single(e => e.GetProperty("type").GetString() == "TransferRequested").GetProperty("data");
        requested.GetProperty("kind").GetString().ShouldBe("blind");
        requested.GetProperty("transferringParticipantId").GetString().ShouldBe(call.CustomerParticipantId);
        requested.GetProperty("peerParticipantId").GetString().ShouldBe(call.AgentParticipantId);
        requested.GetProperty("targetParticipantId").GetString().ShouldBe(IdOf(external));
        var types = history.Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("TransferCompleted");
        types.ShouldNotContain("TransferFailed");
        types[^1].ShouldBe("ConversationEnded");
    }
}
