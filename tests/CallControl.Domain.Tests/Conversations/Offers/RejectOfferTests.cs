namespace CallControl.Domain.Tests.Conversations.Offers;

public sealed class RejectOfferTests
{
    [Fact]
    public void GivenInboundOffered_WhenReject_ThenTheOfferIsDeclinedByTheAgentAndTheCallerKeepsWaiting()
    {
        var state = Given(History.InboundOffered)
            .When(new RejectOffer(Agent, null, Now))
            .Then(new ParticipantDisconnected(Agent, DisconnectReason.Decline, null, Initiator.Agent, Now));

        var live = state.ShouldBeOfType<Conversation.Live>();
        live.FindParticipant(Customer)!.Status.ShouldBe(ParticipantStatus.Alerting);
    }

    [Fact]
    public void GivenInboundOffered_WhenRejectWithAReason_ThenThatReasonIsRecorded() =>
        Given(History.InboundOffered)
            .When(new RejectOffer(Agent, DisconnectReason.Busy, Now))
            .Then(new ParticipantDisconnected(Agent, DisconnectReason.Busy, null, Initiator.Agent, Now));

    [Fact]
    public void GivenInboundAccepted_WhenReject_ThenTheRingingStationIsEnded() =>
        Given(History.InboundAccepted)
            .When(new RejectOffer(Agent, null, Now))
            .Then(new ParticipantEndRequested(Agent, DisconnectReason.Decline, Initiator.Agent, Now));

    [Fact]
    public void GivenARejectedAcceptedOfferStillRinging_WhenRejectAgain_ThenNothing() =>
        Given([.. History.InboundAccepted, new ParticipantEndRequested(Agent, DisconnectReason.Decline, Initiator.Agent, T(5))])
            .When(new RejectOffer(Agent, null, Now))
            .ThenNothing();

    [Fact]
    public void GivenARejectedOffer_WhenRejectAgain_ThenNothing() =>
        Given([.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Decline, null, Initiator.Agent, T(5))])
            .When(new RejectOffer(Agent, null, Now))
            .ThenNothing();

    [Fact]
    public void GivenInboundConnected_WhenReject_ThenRejectedAsConnected() =>
        Given(History.InboundConnected).When(new RejectOffer(Agent, null, Now)).ThenInvalidState("participant p-agent is connected");

    [Fact]
    public void GivenInboundAlerting_WhenRejectTheCustomer_ThenRejectedAsNotAnOffer() =>
        Given(History.InboundAlerting).When(new RejectOffer(Customer, null, Now)).ThenInvalidState("participant p-customer is not an offer");

    [Fact]
    public void GivenInboundOffered_WhenRejectAnUnknownParticipant_ThenNotFound() =>
        Given(History.InboundOffered).When(new RejectOffer(Unknown, null, Now)).ThenNotFound("participant p-unknown not found");

    [Fact]
    public void GivenTheCallerAbandoned_WhenTheAgentRejectsLate_ThenNothing() =>
        Given(
            [
                .. History.InboundOffered,
                new ParticipantDisconnected(Customer, DisconnectReason.Cancel, 487, Initiator.Customer, T(5)),
                new ParticipantDisconnected(Agent, DisconnectReason.Cancel, null, Initiator.Customer, T(5)),
                new ConversationEnded(T(5)),
            ])
            .When(new RejectOffer(Agent, null, Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenRejectANonOffer_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new RejectOffer(Customer, null, Now)).ThenInvalidState("conversation is ended");
}
