namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ConfirmLegAlertingTests
{
    [Fact]
    public void GivenTheAgentDialing_WhenTheStationRings_ThenTheAgentIsAlerting() =>
        Given(History.OutboundDialing).When(new ConfirmLegAlerting(Agent, Now)).Then(new ParticipantAlerting(Agent, Now));

    [Fact]
    public void GivenTheAgentAlerting_WhenRingingIsReportedAgain_ThenNothing() =>
        Given([.. History.OutboundDialing, new ParticipantAlerting(Agent, T(1))]).When(new ConfirmLegAlerting(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenTheAgentConnected_WhenRingingArrivesLate_ThenNothing() =>
        Given(History.OutboundConnected).When(new ConfirmLegAlerting(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenAnUnacceptedOffer_WhenRingingIsReported_ThenNothing() =>
        Given(History.InboundOffered).When(new ConfirmLegAlerting(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenEnded_WhenRingingArrivesLate_ThenNothing() =>
        Given(History.Ended).When(new ConfirmLegAlerting(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenOutboundDialing_WhenAnUnknownLegRings_ThenNotFound() =>
        Given(History.OutboundDialing).When(new ConfirmLegAlerting(Unknown, Now)).ThenNotFound("participant p-unknown not found");
}
