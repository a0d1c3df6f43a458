namespace CallControl.Domain.Tests.Conversations.End;

public sealed class EndConversationTests
{
    [Fact]
    public void GivenOutboundConnected_WhenEndConversation_ThenEveryLegIsAskedToEnd() =>
        Given(History.OutboundConnected)
            .When(new EndConversation(Initiator.System, Now))
            .Then(
                new ParticipantEndRequested(Agent, null, Initiator.System, Now),
                new ParticipantEndRequested(Customer, null, Initiator.System, Now));

    [Fact]
    public void GivenInboundOffered_WhenEndConversation_ThenTheCallerIsEndedAndTheOfferWithdrawnAtOnce() =>
        Given(History.InboundOffered)
            .When(new EndConversation(Initiator.System, Now))
            .Then(
                new ParticipantEndRequested(Customer, null, Initiator.System, Now),
                new ParticipantDisconnected(Agent, DisconnectReason.Cancel, null, Initiator.System, Now));

    [Fact]
    public void GivenAConsultConnected_WhenEndConversation_ThenAllThreeLegsAreAskedToEnd() =>
        Given(History.ConsultConnected)
            .When(new EndConversation(Initiator.Agent, Now))
            .Then(
                new ParticipantEndRequested(Agent, null, Initiator.Agent, Now),
                new ParticipantEndRequested(Customer, null, Initiator.Agent, Now),
                new ParticipantEndRequested(Target, null, Initiator.Agent, Now));

    [Fact]
    public void GivenEveryLegBeingEnded_WhenEndConversationAgain_ThenNothing() =>
        Given(
            [
                .. History.OutboundConnected,
                new ParticipantEndRequested(Agent, null, Initiator.System, T(30)),
                new ParticipantEndRequested(Customer, null, Initiator.System, T(30)),
            ])
            .When(new EndConversation(Initiator.System, Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenEndConversationAgain_ThenNothing() =>
        Given(History.Ended).When(new EndConversation(Initiator.System, Now)).ThenNothing();
}
