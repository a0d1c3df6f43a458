namespace CallControl.Domain.Tests.Conversations.Offers;

public sealed class ExpireOfferTests
{
    [Fact]
    public void GivenInboundOffered_WhenExpire_ThenTheOfferTimesOut() =>
        Given(History.InboundOffered)
            .When(new ExpireOffer(Agent, Now))
            .Then(new ParticipantDisconnected(Agent, DisconnectReason.Timeout, null, Initiator.System, Now));

    [Fact]
    public void GivenAnExpiredOffer_WhenExpireAgain_ThenNothing() =>
        Given([.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Timeout, null, Initiator.System, T(20))])
            .When(new ExpireOffer(Agent, Now))
            .ThenNothing();

    [Fact]
    public void GivenInboundAccepted_WhenTheTimerFiresLate_ThenNothing() =>
        Given(History.InboundAccepted).When(new ExpireOffer(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenInboundConnected_WhenTheTimerFiresLate_ThenNothing() =>
        Given(History.InboundConnected).When(new ExpireOffer(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenEnded_WhenTheTimerFiresLate_ThenNothing() =>
        Given(History.Ended).When(new ExpireOffer(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenInboundOffered_WhenExpireAnUnknownParticipant_ThenNotFound() =>
        Given(History.InboundOffered).When(new ExpireOffer(Unknown, Now)).ThenNotFound("participant p-unknown not found");
}
