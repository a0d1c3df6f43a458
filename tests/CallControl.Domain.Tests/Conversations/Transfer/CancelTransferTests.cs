namespace CallControl.Domain.Tests.Conversations.Transfer;

public sealed class CancelTransferTests
{
    [Fact]
    public void GivenAConsultConnected_WhenCancel_ThenTheTargetIsEndedAndThePeerResumed()
    {
        var state = Given(History.ConsultConnected)
            .When(new CancelTransfer(Agent, Now))
            .Then(
                new TransferCancelRequested(Agent, Now),
                new ParticipantEndRequested(Target, DisconnectReason.Cancel, Initiator.Agent, Now),
                new ParticipantResumeRequested(Customer, Now));

        state.ShouldBeOfType<Conversation.Live>().Transfer!.Phase.ShouldBe(TransferPhase.Cancelling);
    }

    [Fact]
    public void GivenAConsultRinging_WhenCancel_ThenTheRingingTargetIsEnded() =>
        Given(History.ConsultRinging)
            .When(new CancelTransfer(Agent, Now))
            .Then(
                new TransferCancelRequested(Agent, Now),
                new ParticipantEndRequested(Target, DisconnectReason.Cancel, Initiator.Agent, Now),
                new ParticipantResumeRequested(Customer, Now));

    [Fact]
    public void GivenAConsultCancelling_WhenCancelAgain_ThenNothing() =>
        Given(History.ConsultCancelling).When(new CancelTransfer(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenAConsultCompleting_WhenCancel_ThenRejectedAsCompleting() =>
        Given(History.ConsultCompleting).When(new CancelTransfer(Agent, Now)).ThenInvalidState("transfer is being completed");

    [Fact]
    public void GivenABlindTransferRinging_WhenCancel_ThenRejectedAsNoConsult() =>
        Given(History.BlindTransferRinging).When(new CancelTransfer(Agent, Now)).ThenInvalidState("participant p-agent has no consult transfer in progress");

    [Fact]
    public void GivenNoTransfer_WhenCancel_ThenRejectedAsNoConsult() =>
        Given(History.OutboundConnected).When(new CancelTransfer(Agent, Now)).ThenInvalidState("participant p-agent has no consult transfer in progress");

    [Fact]
    public void GivenEnded_WhenCancel_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new CancelTransfer(Agent, Now)).ThenInvalidState("conversation is ended");
}
