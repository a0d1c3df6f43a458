namespace CallControl.Domain.Tests.Conversations.Transfer;

public sealed class CompleteTransferTests
{
    [Fact]
    public void GivenAConsultConnected_WhenComplete_ThenThePeerIsResumedAndTheAgentLeaves()
    {
        var state = Given(History.ConsultConnected)
            .When(new CompleteTransfer(Agent, Now))
            .Then(
                new TransferCompleteRequested(Agent, Now),
                new ParticipantResumeRequested(Customer, Now),
                new ParticipantEndRequested(Agent, DisconnectReason.Transfer, Initiator.Agent, Now));

        state.ShouldBeOfType<Conversation.Live>().Transfer!.Phase.ShouldBe(TransferPhase.Completing);
    }

    [Fact]
    public void GivenAConsultCompleting_WhenCompleteAgain_ThenNothing() =>
        Given(History.ConsultCompleting).When(new CompleteTransfer(Agent, Now)).ThenNothing();

    [Fact]
    public void GivenAConsultRinging_WhenComplete_ThenRejectedAsTheTargetIsDialing() =>
        Given(History.ConsultRinging).When(new CompleteTransfer(Agent, Now)).ThenInvalidState("participant p-target is dialing");

    [Fact]
    public void GivenAConsultCancelling_WhenComplete_ThenRejectedAsCancelling() =>
        Given(History.ConsultCancelling).When(new CompleteTransfer(Agent, Now)).ThenInvalidState("transfer is being cancelled");

    [Fact]
    public void GivenABlindTransferRinging_WhenComplete_ThenRejectedAsNoConsult() =>
        Given(History.BlindTransferRinging).When(new CompleteTransfer(Agent, Now)).ThenInvalidState("participant p-agent has no consult transfer in progress");

    [Fact]
    public void GivenNoTransfer_WhenComplete_ThenRejectedAsNoConsult() =>
        Given(History.OutboundConnected).When(new CompleteTransfer(Agent, Now)).ThenInvalidState("participant p-agent has no consult transfer in progress");

    [Fact]
    public void GivenAConsultConnected_WhenTheCustomerCompletes_ThenRejectedAsNotTheConsultingParty() =>
        Given(History.ConsultConnected).When(new CompleteTransfer(Customer, Now)).ThenInvalidState("participant p-customer has no consult transfer in progress");

    [Fact]
    public void GivenEnded_WhenComplete_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new CompleteTransfer(Agent, Now)).ThenInvalidState("conversation is ended");
}
