namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ReportLegEndedTests
{
    [Fact]
    public void GivenOutboundConnected_WhenTheCustomerHangsUp_ThenTheAgentLeftAloneIsEnded() =>
        Given(History.OutboundConnected)
            .When(new ReportLegEnded(Customer, DisconnectReason.Success, null, Initiator.Customer, Now))
            .Then(
                new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, Now),
                new ParticipantEndRequested(Agent, null, Initiator.Customer, Now));

    [Fact]
    public void GivenTheAgentBeingEndedBecauseTheCustomerHungUp_WhenTheAgentLegEnds_ThenTheConversationEnds()
    {
        var state = Given(
                [
                    .. History.OutboundConnected,
                    new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(30)),
                    new ParticipantEndRequested(Agent, null, Initiator.Customer, T(30)),
                ])
            .When(new ReportLegEnded(Agent, DisconnectReason.Success, null, Initiator.System, Now))
            .Then(
                new ParticipantDisconnected(Agent, DisconnectReason.Success, null, Initiator.Customer, Now),
                new ConversationEnded(Now));

        var ended = state.ShouldBeOfType<Conversation.Ended>();
        ended.Status.ShouldBe(ConversationStatus.Ended);
        ended.EndedAt.ShouldBe(Now);
    }

    [Fact]
    public void GivenTheCustomerDisconnected_WhenTheSameHangUpIsReportedAgain_ThenNothing() =>
        Given([.. History.OutboundConnected, new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(30))])
            .When(new ReportLegEnded(Customer, DisconnectReason.Success, null, Initiator.Customer, Now))
            .ThenNothing();

    [Fact]
    public void GivenInboundAlerting_WhenTheCallerAbandons_ThenTheConversationEnds() =>
        Given(History.InboundAlerting)
            .When(new ReportLegEnded(Customer, DisconnectReason.Cancel, 487, Initiator.Customer, Now))
            .Then(
                new ParticipantDisconnected(Customer, DisconnectReason.Cancel, 487, Initiator.Customer, Now),
                new ConversationEnded(Now));

    [Fact]
    public void GivenInboundOffered_WhenTheCallerAbandons_ThenTheOfferIsWithdrawnAndTheConversationEnds() =>
        Given(History.InboundOffered)
            .When(new ReportLegEnded(Customer, DisconnectReason.Cancel, 487, Initiator.Customer, Now))
            .Then(
                new ParticipantDisconnected(Customer, DisconnectReason.Cancel, 487, Initiator.Customer, Now),
                new ParticipantDisconnected(Agent, DisconnectReason.Cancel, null, Initiator.Customer, Now),
                new ConversationEnded(Now));

    [Fact]
    public void GivenInboundAccepted_WhenTheCallerAbandons_ThenTheRingingStationIsEnded() =>
        Given(History.InboundAccepted)
            .When(new ReportLegEnded(Customer, DisconnectReason.Cancel, 487, Initiator.Customer, Now))
            .Then(
                new ParticipantDisconnected(Customer, DisconnectReason.Cancel, 487, Initiator.Customer, Now),
                new ParticipantEndRequested(Agent, DisconnectReason.Cancel, Initiator.Customer, Now));

    [Fact]
    public void GivenInboundAccepted_WhenTheStationIsBusy_ThenTheCallerKeepsWaitingForRouting() =>
        Given(History.InboundAccepted)
            .When(new ReportLegEnded(Agent, DisconnectReason.Busy, 486, Initiator.Agent, Now))
            .Then(new ParticipantDisconnected(Agent, DisconnectReason.Busy, 486, Initiator.Agent, Now));

    [Fact]
    public void GivenTheCustomerBeingDialled_WhenTheAgentHangsUp_ThenTheCustomerCallIsCancelled() =>
        Given(History.OutboundAgentAnswered)
            .When(new ReportLegEnded(Agent, DisconnectReason.Success, null, Initiator.Agent, Now))
            .Then(
                new ParticipantDisconnected(Agent, DisconnectReason.Success, null, Initiator.Agent, Now),
                new ParticipantEndRequested(Customer, DisconnectReason.Cancel, Initiator.Agent, Now));

    [Fact]
    public void GivenTheAgentBeingEndedWithAReason_WhenTheLegEnds_ThenTheRequestedReasonIsRecorded() =>
        Given([.. History.OutboundConnected, new ParticipantEndRequested(Customer, DisconnectReason.Busy, Initiator.System, T(30))])
            .When(new ReportLegEnded(Customer, DisconnectReason.Success, 200, Initiator.System, Now))
            .Then(
                new ParticipantDisconnected(Customer, DisconnectReason.Busy, 200, Initiator.System, Now),
                new ParticipantEndRequested(Agent, null, Initiator.System, Now));

    [Fact]
    public void GivenABlindTransferRinging_WhenTheTargetIsBusy_ThenTheTransferFailsAndTheAgentStays() =>
        Given(History.BlindTransferRinging)
            .When(new ReportLegEnded(Target, DisconnectReason.Busy, 486, Initiator.External, Now))
            .Then(
                new ParticipantDisconnected(Target, DisconnectReason.Busy, 486, Initiator.External, Now),
                new TransferFailed(Agent, Target, "target disconnected: busy", Now));

    [Fact]
    public void GivenABlindTransferCompleted_WhenTheAgentLegEnds_ThenTheAgentLeftByTransfer() =>
        Given(
            [
                .. History.BlindTransferRinging,
                new ParticipantConnected(Target, T(25)),
                new TransferCompleted(Agent, Target, T(25)),
                new ParticipantEndRequested(Agent, DisconnectReason.Transfer, Initiator.Agent, T(25)),
            ])
            .When(new ReportLegEnded(Agent, DisconnectReason.Success, null, Initiator.System, Now))
            .Then(new ParticipantDisconnected(Agent, DisconnectReason.Transfer, null, Initiator.Agent, Now));

    [Fact]
    public void GivenABlindTransferRinging_WhenTheCustomerHangsUp_ThenTheTransferFailsAndTheTargetIsCalledOff() =>
        Given(History.BlindTransferRinging)
            .When(new ReportLegEnded(Customer, DisconnectReason.Success, null, Initiator.Customer, Now))
            .Then(
                new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, Now),
                new TransferFailed(Agent, Target, "peer disconnected", Now),
                new ParticipantEndRequested(Target, DisconnectReason.Cancel, Initiator.System, Now));

    [Fact]
    public void GivenAConsultCompleting_WhenTheAgentLegEnds_ThenTheTransferCompletes() =>
        Given(History.ConsultCompleting)
            .When(new ReportLegEnded(Agent, DisconnectReason.Success, null, Initiator.System, Now))
            .Then(
                new ParticipantDisconnected(Agent, DisconnectReason.Transfer, null, Initiator.Agent, Now),
                new TransferCompleted(Agent, Target, Now));

    [Fact]
    public void GivenAConsultCancelling_WhenTheTargetLegEnds_ThenTheTransferFailsAsCancelled() =>
        Given(History.ConsultCancelling)
            .When(new ReportLegEnded(Target, DisconnectReason.Success, null, Initiator.System, Now))
            .Then(
                new ParticipantDisconnected(Target, DisconnectReason.Cancel, null, Initiator.Agent, Now),
                new TransferFailed(Agent, Target, "cancelled", Now));

    [Fact]
    public void GivenAConsultConnected_WhenTheAgentHangsUp_ThenTheCustomerIsHandedToTheTarget() =>
        Given(History.ConsultConnected)
            .When(new ReportLegEnded(Agent, DisconnectReason.Success, null, Initiator.Agent, Now))
            .Then(
                new ParticipantDisconnected(Agent, DisconnectReason.Transfer, null, Initiator.Agent, Now),
                new ParticipantResumeRequested(Customer, Now),
                new TransferCompleted(Agent, Target, Now));

    [Fact]
    public void GivenAConsultConnected_WhenTheHeldCustomerHangsUp_ThenTheTransferFailsAndTheConsultCarriesOn() =>
        Given(History.ConsultConnected)
            .When(new ReportLegEnded(Customer, DisconnectReason.Success, null, Initiator.Customer, Now))
            .Then(
                new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, Now),
                new TransferFailed(Agent, Target, "peer disconnected", Now));

    [Fact]
    public void GivenAConsultConnected_WhenTheTargetHangsUp_ThenTheTransferFailsAndTheCustomerStaysHeld() =>
        Given(History.ConsultConnected)
            .When(new ReportLegEnded(Target, DisconnectReason.Success, null, Initiator.External, Now))
            .Then(
                new ParticipantDisconnected(Target, DisconnectReason.Success, null, Initiator.External, Now),
                new TransferFailed(Agent, Target, "target disconnected: success", Now))
            .ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!.Held.ShouldBeTrue();

    [Fact]
    public void GivenEveryoneBeingEndedDuringAConsult_WhenTheAgentLegEnds_ThenNothingIsHandedOver() =>
        Given(
            [
                .. History.ConsultConnected,
                new ParticipantEndRequested(Agent, null, Initiator.System, T(40)),
                new ParticipantEndRequested(Customer, null, Initiator.System, T(40)),
                new ParticipantEndRequested(Target, null, Initiator.System, T(40)),
            ])
            .When(new ReportLegEnded(Agent, DisconnectReason.Success, null, Initiator.System, Now))
            .Then(new ParticipantDisconnected(Agent, DisconnectReason.Success, null, Initiator.System, Now));

    [Fact]
    public void GivenAnUnacceptedOffer_WhenALegEndIsReportedForIt_ThenNothing() =>
        Given(History.InboundOffered)
            .When(new ReportLegEnded(Agent, DisconnectReason.Gone, null, Initiator.System, Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenALegEndArrivesLate_ThenNothing() =>
        Given(History.Ended).When(new ReportLegEnded(Agent, DisconnectReason.Gone, null, Initiator.System, Now)).ThenNothing();

    [Fact]
    public void GivenOutboundConnected_WhenAnUnknownLegEnds_ThenNotFound() =>
        Given(History.OutboundConnected)
            .When(new ReportLegEnded(Unknown, DisconnectReason.Gone, null, Initiator.System, Now))
            .ThenNotFound("participant p-unknown not found");
}
