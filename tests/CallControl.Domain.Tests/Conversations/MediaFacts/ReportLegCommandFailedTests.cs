namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ReportLegCommandFailedTests
{
    [Fact]
    public void GivenAHoldPending_WhenHoldFails_ThenTheFailureIsRecordedAndNothingIsPending()
    {
        var state = Given([.. History.OutboundConnected, new ParticipantHoldRequested(Customer, true, T(10))])
            .When(new ReportLegCommandFailed(Customer, MediaOperation.Hold, 488, "not acceptable here", Now))
            .Then(new ParticipantCommandFailed(Customer, MediaOperation.Hold, 488, "not acceptable here", Now));

        var customer = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!;
        customer.Held.ShouldBeFalse();
        customer.Pending.ShouldBeEmpty();
    }

    [Fact]
    public void GivenTheFailureAlreadyRecorded_WhenItIsReportedAgain_ThenNothing() =>
        Given(
            [
                .. History.OutboundConnected,
                new ParticipantHoldRequested(Customer, true, T(10)),
                new ParticipantCommandFailed(Customer, MediaOperation.Hold, 488, "not acceptable here", T(11)),
            ])
            .When(new ReportLegCommandFailed(Customer, MediaOperation.Hold, 488, "not acceptable here", Now))
            .ThenNothing();

    [Fact]
    public void GivenNothingPending_WhenAFailureIsReported_ThenNothing() =>
        Given(History.OutboundConnected)
            .When(new ReportLegCommandFailed(Customer, MediaOperation.Mute, null, "late", Now))
            .ThenNothing();

    [Fact]
    public void GivenABlindTransferRinging_WhenTheTransferFails_ThenItFailsAndTheTargetIsCalledOff() =>
        Given(History.BlindTransferRinging)
            .When(new ReportLegCommandFailed(Agent, MediaOperation.Transfer, 500, "no route", Now))
            .Then(
                new ParticipantCommandFailed(Agent, MediaOperation.Transfer, 500, "no route", Now),
                new TransferFailed(Agent, Target, "no route", Now),
                new ParticipantEndRequested(Target, DisconnectReason.Cancel, Initiator.System, Now))
            .ShouldBeOfType<Conversation.Live>().Transfer.ShouldBeNull();

    [Fact]
    public void GivenARecordingStartPending_WhenTheRecorderFails_ThenRecordingFailed() =>
        Given([.. History.OutboundConnected, new RecordingStartRequested(T(10))])
            .When(new ReportLegCommandFailed(Customer, MediaOperation.Recording, null, "no recorder", Now))
            .Then(
                new ParticipantCommandFailed(Customer, MediaOperation.Recording, null, "no recorder", Now),
                new RecordingFailed("no recorder", Now));

    [Fact]
    public void GivenDigitsSent_WhenSendingThemFails_ThenTheFailureIsRecorded() =>
        Given([.. History.OutboundConnected, new DigitsSendRequested(Customer, "1", T(10))])
            .When(new ReportLegCommandFailed(Customer, MediaOperation.Digits, null, "no telephone-event", Now))
            .Then(new ParticipantCommandFailed(Customer, MediaOperation.Digits, null, "no telephone-event", Now));

    [Fact]
    public void GivenTheAgentStationBeingPlaced_WhenPlacingFails_ThenTheAgentIsDisconnectedAndTheConversationEnds() =>
        Given(History.OutboundDialing)
            .When(new ReportLegCommandFailed(Agent, MediaOperation.Place, 503, "service unavailable", Now))
            .Then(
                new ParticipantCommandFailed(Agent, MediaOperation.Place, 503, "service unavailable", Now),
                new ParticipantDisconnected(Agent, DisconnectReason.GeneralError, 503, Initiator.System, Now),
                new ConversationEnded(Now));

    [Fact]
    public void GivenAnAcceptedOffer_WhenTheStationCannotBeRung_ThenTheAgentIsDisconnectedAsBusy() =>
        Given(History.InboundAccepted)
            .When(new ReportLegCommandFailed(Agent, MediaOperation.Accept, 486, "busy here", Now))
            .Then(
                new ParticipantCommandFailed(Agent, MediaOperation.Accept, 486, "busy here", Now),
                new ParticipantDisconnected(Agent, DisconnectReason.Busy, 486, Initiator.System, Now));

    [Fact]
    public void GivenTheAgentBeingEnded_WhenEndingFails_ThenTheLegIsWrittenOffAndTheCustomerLeftAloneIsEnded() =>
        Given(History.OutboundEnding)
            .When(new ReportLegCommandFailed(Agent, MediaOperation.End, 408, "timeout", Now))
            .Then(
                new ParticipantCommandFailed(Agent, MediaOperation.End, 408, "timeout", Now),
                new ParticipantDisconnected(Agent, DisconnectReason.GeneralError, 408, Initiator.Agent, Now),
                new ParticipantEndRequested(Customer, null, Initiator.Agent, Now));

    [Fact]
    public void GivenEnded_WhenAFailureArrivesLate_ThenNothing() =>
        Given(History.Ended).When(new ReportLegCommandFailed(Agent, MediaOperation.End, 408, "timeout", Now)).ThenNothing();
}
