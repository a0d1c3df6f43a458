namespace CallControl.Domain.Tests.Conversations.Offers;

public sealed class AcceptOfferTests
{
    [Fact]
    public void GivenInboundOffered_WhenAccept_ThenOfferAcceptedAndTheStationIsRung()
    {
        var state = Given(History.InboundOffered)
            .When(new AcceptOffer(Agent, Now))
            .Then(new OfferAccepted(Agent, Now));

        var agent = state.ShouldBeAssignableTo<Conversation.Started>()!.FindParticipant(Agent)!;
        agent.OfferAccepted.ShouldBeTrue();
        agent.HasLeg.ShouldBeTrue();
        agent.Status.ShouldBe(ParticipantStatus.Alerting);
        agent.Pending.ShouldBe([new PendingChange(MediaOperation.Accept, Now)]);
    }

    [Fact]
    public void GivenInboundAccepted_WhenAcceptAgain_ThenNothing() =>
        Given(History.InboundAccepted).When(new AcceptOffer(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenInboundConnected_WhenAccept_ThenNothing() =>
        Given(History.InboundConnected).When(new AcceptOffer(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenTheOfferExpired_WhenAccept_ThenRejectedAsDisconnected() =>
        Given([.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Timeout, null, Initiator.System, T(20))])
            .When(new AcceptOffer(Agent, Now))
            .ThenInvalidState("participant p-agent is disconnected");

    [Fact]
    public void GivenInboundAlerting_WhenAcceptTheCustomer_ThenRejectedAsNotAnOffer() =>
        Given(History.InboundAlerting).When(new AcceptOffer(Customer, Now)).ThenInvalidState("participant p-customer is not an offer");

    [Fact]
    public void GivenInboundOffered_WhenAcceptAnUnknownParticipant_ThenNotFound() =>
        Given(History.InboundOffered).When(new AcceptOffer(Unknown, Now)).ThenNotFound("participant p-unknown not found");

    [Fact]
    public void GivenEnded_WhenAccept_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new AcceptOffer(Agent, Now)).ThenInvalidState("conversation is ended");
}
