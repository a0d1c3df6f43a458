namespace CallControl.Domain.Tests.Conversations.Offers;

public sealed class OfferToAgentTests
{
    private static OfferToAgent OfferA1() => new(Agent, AgentA1, Station1, Now);

    [Fact]
    public void GivenInboundAlerting_WhenOfferToAgent_ThenTheAgentIsAlertingWithoutALeg()
    {
        var state = Given(History.InboundAlerting)
            .When(OfferA1())
            .Then(new ParticipantAdded(Agent, ParticipantRole.Agent, AgentA1, Station1, ConversationDirection.Outbound, ParticipantStatus.Alerting, false, true, false, Now));

        var agent = state.ShouldBeAssignableTo<Conversation.Started>()!.FindParticipant(Agent)!;
        agent.HasLeg.ShouldBeFalse();
        agent.IsOffer.ShouldBeTrue();
        agent.Pending.ShouldBeEmpty();
    }

    [Fact]
    public void GivenInboundOffered_WhenTheSameOfferAgain_ThenNothing() =>
        Given(History.InboundOffered).When(OfferA1()).ThenNothing();

    [Fact]
    public void GivenInboundOffered_WhenOfferToAnotherAgent_ThenBothRing() =>
        Given(History.InboundOffered)
            .When(new OfferToAgent(OtherAgent, AgentA2, Station2, Now))
            .Then(new ParticipantAdded(OtherAgent, ParticipantRole.Agent, AgentA2, Station2, ConversationDirection.Outbound, ParticipantStatus.Alerting, false, true, false, Now));

    [Fact]
    public void GivenAnOfferTheAgentDeclined_WhenOfferedToTheSameAgentAgain_ThenANewOfferRings() =>
        Given([.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Decline, null, Initiator.Agent, T(5))])
            .When(new OfferToAgent(OtherAgent, AgentA1, Station1, Now))
            .Then(new ParticipantAdded(OtherAgent, ParticipantRole.Agent, AgentA1, Station1, ConversationDirection.Outbound, ParticipantStatus.Alerting, false, true, false, Now));

    [Fact]
    public void GivenInboundOffered_WhenTheSameAgentIsOfferedUnderAnotherId_ThenRejectedAsAlreadyParticipant() =>
        Given(History.InboundOffered)
            .When(new OfferToAgent(OtherAgent, AgentA1, Station1, Now))
            .ThenInvalidState("agent a1 is already participant p-agent");

    [Fact]
    public void GivenInboundConnected_WhenOfferToAnotherAgent_ThenRejectedAsAnswered() =>
        Given(History.InboundConnected)
            .When(new OfferToAgent(OtherAgent, AgentA2, Station2, Now))
            .ThenInvalidState("participant p-agent already answered");

    [Fact]
    public void GivenOutboundConnected_WhenOfferToAgent_ThenRejectedAsOutbound() =>
        Given(History.OutboundConnected)
            .When(new OfferToAgent(OtherAgent, AgentA2, Station2, Now))
            .ThenInvalidState("conversation is outbound");

    [Fact]
    public void GivenInboundAlerting_WhenOfferUsesTheCustomersId_ThenRejectedAsExisting() =>
        Given(History.InboundAlerting)
            .When(new OfferToAgent(Customer, AgentA1, Station1, Now))
            .ThenInvalidState("participant p-customer already exists");

    [Fact]
    public void GivenTheCallerIsBeingHungUp_WhenOfferToAgent_ThenRejectedAsEnding() =>
        Given([.. History.InboundAlerting, new ParticipantEndRequested(Customer, null, Initiator.System, T(3))])
            .When(OfferA1())
            .ThenInvalidState("participant p-customer is ending");

    [Fact]
    public void GivenEnded_WhenOfferToAgent_ThenRejectedAsEnded() =>
        Given(History.Ended).When(OfferA1()).ThenInvalidState("conversation is ended");
}
