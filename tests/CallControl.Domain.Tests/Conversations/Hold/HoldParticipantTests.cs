namespace CallControl.Domain.Tests.Conversations.Hold;

public sealed class HoldParticipantTests
{
    [Fact]
    public void GivenOutboundConnected_WhenHoldTheCustomer_ThenHoldIsRequestedButNotYetHeld()
    {
        var state = Given(History.OutboundConnected)
            .When(new HoldParticipant(Customer, true, Now))
            .Then(new ParticipantHoldRequested(Customer, true, Now));

        var customer = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!;
        customer.Held.ShouldBeFalse();
        customer.Pending.ShouldBe([new PendingChange(MediaOperation.Hold, Now)]);
    }

    [Fact]
    public void GivenOutboundConnected_WhenHoldWithoutMusic_ThenSilenceIsRequested() =>
        Given(History.OutboundConnected)
            .When(new HoldParticipant(Customer, false, Now))
            .Then(new ParticipantHoldRequested(Customer, false, Now));

    [Fact]
    public void GivenAHoldPending_WhenHoldAgain_ThenNothing() =>
        Given([.. History.OutboundConnected, new ParticipantHoldRequested(Customer, true, T(10))])
            .When(new HoldParticipant(Customer, true, Now))
            .ThenNothing();

    [Fact]
    public void GivenTheCustomerHeld_WhenHoldAgain_ThenNothing() =>
        Given(History.CustomerHeld).When(new HoldParticipant(Customer, true, Now)).ThenNothing();

    [Fact]
    public void GivenTheCustomerHeldWithAResumePending_WhenHold_ThenHoldIsRequestedAgain() =>
        Given([.. History.CustomerHeld, new ParticipantResumeRequested(Customer, T(12))])
            .When(new HoldParticipant(Customer, true, Now))
            .Then(new ParticipantHoldRequested(Customer, true, Now));

    [Fact]
    public void GivenTheCustomerDialing_WhenHold_ThenRejectedAsDialing() =>
        Given(History.OutboundAgentAnswered).When(new HoldParticipant(Customer, true, Now)).ThenInvalidState("participant p-customer is dialing");

    [Fact]
    public void GivenTheCustomerAlerting_WhenHold_ThenRejectedAsAlerting() =>
        Given(History.InboundOffered).When(new HoldParticipant(Customer, true, Now)).ThenInvalidState("participant p-customer is alerting");

    [Fact]
    public void GivenTheAgentDisconnected_WhenHold_ThenRejectedAsDisconnected() =>
        Given([.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Decline, null, Initiator.Agent, T(3))])
            .When(new HoldParticipant(Agent, true, Now))
            .ThenInvalidState("participant p-agent is disconnected");

    [Fact]
    public void GivenTheAgentBeingEnded_WhenHold_ThenRejectedAsEnding() =>
        Given(History.OutboundEnding).When(new HoldParticipant(Agent, true, Now)).ThenInvalidState("participant p-agent is ending");

    [Fact]
    public void GivenOutboundConnected_WhenHoldAnUnknownParticipant_ThenNotFound() =>
        Given(History.OutboundConnected).When(new HoldParticipant(Unknown, true, Now)).ThenNotFound("participant p-unknown not found");

    [Fact]
    public void GivenEnded_WhenHold_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new HoldParticipant(Customer, true, Now)).ThenInvalidState("conversation is ended");

    [Fact]
    public void GivenTheMostChangesWaitingForMedia_WhenHold_ThenRejectedUntilMediaAnswers()
    {
        // Mute and unmute alternate: each is a new request, none confirmed.
        ConversationEvent[] waiting = [.. Enumerable.Range(0, ConversationDecider.MaxPendingChanges).Select(ConversationEvent (n) =>
            n % 2 == 0 ? new ParticipantMuteRequested(Customer, T(10 + n)) : new ParticipantUnmuteRequested(Customer, T(10 + n)))];
        Given([.. History.OutboundConnected, .. waiting])
            .When(new HoldParticipant(Customer, true, Now))
            .ThenInvalidState("participant p-customer has 8 changes waiting for media (at most 8)");
        Given([.. History.OutboundConnected, .. waiting, new ParticipantMuted(Customer, T(30))])
            .When(new HoldParticipant(Customer, true, Now))
            .Then(new ParticipantHoldRequested(Customer, true, Now));
    }
}
