namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ConfirmLegAnsweredTests
{
    [Fact]
    public void GivenOutboundDialing_WhenTheAgentAnswers_ThenTheCustomerIsDialled()
    {
        var state = Given(History.OutboundDialing)
            .When(new ConfirmLegAnswered(Agent, Now))
            .Then(
                new ParticipantConnected(Agent, Now),
                History.CustomerDialing with { At = Now });

        var live = state.ShouldBeOfType<Conversation.Live>();
        live.Status.ShouldBe(ConversationStatus.Alerting);
        live.FindParticipant(Agent)!.Pending.ShouldBeEmpty();
        live.FindParticipant(Agent)!.ConnectedAt.ShouldBe(Now);
    }

    [Fact]
    public void GivenTheCustomerDialing_WhenTheCustomerAnswers_ThenTheConversationIsConnected() =>
        Given(History.OutboundAgentAnswered)
            .When(new ConfirmLegAnswered(Customer, Now))
            .Then(new ParticipantConnected(Customer, Now))
            .ShouldBeOfType<Conversation.Live>().Status.ShouldBe(ConversationStatus.Connected);

    [Fact]
    public void GivenOutboundConnected_WhenAnswerIsReportedAgain_ThenNothing() =>
        Given(History.OutboundConnected).When(new ConfirmLegAnswered(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenInboundAccepted_WhenTheStationAnswers_ThenTheAgentIsConnected() =>
        Given(History.InboundAccepted).When(new ConfirmLegAnswered(Agent, Now)).Then(new ParticipantConnected(Agent, Now));

    [Fact]
    public void GivenTwoOffersRinging_WhenOneAgentAnswers_ThenTheOtherOfferIsWithdrawn() =>
        Given([.. History.InboundAccepted, History.OtherAgentOffered])
            .When(new ConfirmLegAnswered(Agent, Now))
            .Then(
                new ParticipantConnected(Agent, Now),
                new ParticipantDisconnected(OtherAgent, DisconnectReason.Cancel, null, Initiator.System, Now));

    [Fact]
    public void GivenTwoAcceptedOffersRinging_WhenOneAgentAnswers_ThenTheOtherStationIsEnded() =>
        Given([.. History.InboundAccepted, History.OtherAgentOffered, new OfferAccepted(OtherAgent, T(3))])
            .When(new ConfirmLegAnswered(Agent, Now))
            .Then(
                new ParticipantConnected(Agent, Now),
                new ParticipantEndRequested(OtherAgent, DisconnectReason.Cancel, Initiator.System, Now));

    [Fact]
    public void GivenABlindTransferRinging_WhenTheTargetAnswers_ThenTheTransferCompletesAndTheAgentLeaves() =>
        Given(History.BlindTransferRinging)
            .When(new ConfirmLegAnswered(Target, Now))
            .Then(
                new ParticipantConnected(Target, Now),
                new TransferCompleted(Agent, Target, Now),
                new ParticipantEndRequested(Agent, DisconnectReason.Transfer, Initiator.Agent, Now))
            .ShouldBeOfType<Conversation.Live>().Transfer.ShouldBeNull();

    [Fact]
    public void GivenTheCustomersReferRinging_WhenTheTargetAnswers_ThenTheCustomerLeavesOnItsOwnRequest() =>
        Given(
            [
                .. History.OutboundConnected,
                new TransferRequested(TransferKind.Blind, Customer, Target, Agent, TargetUri, T(20), Initiator.Customer),
                History.TargetDialing,
            ])
            .When(new ConfirmLegAnswered(Target, Now))
            .Then(
                new ParticipantConnected(Target, Now),
                new TransferCompleted(Customer, Target, Now),
                new ParticipantEndRequested(Customer, DisconnectReason.Transfer, Initiator.Customer, Now));

    [Fact]
    public void GivenAConsultRinging_WhenTheTargetAnswers_ThenTheAgentTalksToTheTarget() =>
        Given(History.ConsultRinging).When(new ConfirmLegAnswered(Target, Now)).Then(new ParticipantConnected(Target, Now));

    [Fact]
    public void GivenAConsultRinging_WhenTheTargetAnswers_ThenTheConsultIsNoLongerPendingButStillInProgress()
    {
        var live = Given(History.ConsultRinging)
            .When(new ConfirmLegAnswered(Target, Now))
            .Then(new ParticipantConnected(Target, Now))
            .ShouldBeOfType<Conversation.Live>();

        live.FindParticipant(Agent)!.Pending.ShouldNotContain(p => p.Command == MediaOperation.Transfer);
        live.Transfer.ShouldNotBeNull().Phase.ShouldBe(TransferPhase.InProgress);
    }

    [Fact]
    public void GivenTheAgentHungUpDuringAConsultRinging_WhenTheTargetAnswers_ThenTheCustomerIsHandedToTheTarget() =>
        Given(
            [
                .. History.ConsultRinging,
                new ParticipantHeld(Customer, T(21)),
                new ParticipantDisconnected(Agent, DisconnectReason.Success, null, Initiator.Agent, T(22)),
            ])
            .When(new ConfirmLegAnswered(Target, Now))
            .Then(
                new ParticipantConnected(Target, Now),
                new ParticipantResumeRequested(Customer, Now),
                new TransferCompleted(Agent, Target, Now));

    [Fact]
    public void GivenTheAgentBeingEndedWhileRinging_WhenTheStationAnswers_ThenTheCustomerIsNotDialled() =>
        Given([.. History.OutboundDialing, new ParticipantEndRequested(Agent, null, Initiator.Agent, T(1))])
            .When(new ConfirmLegAnswered(Agent, Now))
            .Then(new ParticipantConnected(Agent, Now));

    [Fact]
    public void GivenAnUnacceptedOffer_WhenAnAnswerIsReported_ThenNothing() =>
        Given(History.InboundOffered).When(new ConfirmLegAnswered(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenEnded_WhenAnAnswerArrivesLate_ThenNothing() =>
        Given(History.Ended).When(new ConfirmLegAnswered(Customer, Now)).ThenNothing();
}
