namespace CallControl.Domain.Tests.Conversations.Transfer;

public sealed class TransferParticipantTests
{
    private static TransferParticipant Blind() => new(Agent, TargetUri, TransferKind.Blind, Target, Now);

    private static TransferParticipant Consult() => new(Agent, TargetUri, TransferKind.Consult, Target, Now);

    private static ParticipantAdded TargetAddedNow() => History.TargetDialing with { At = Now };

    [Fact]
    public void GivenOutboundConnected_WhenBlindTransfer_ThenTheTargetIsDialledWhileTheAgentStays()
    {
        var state = Given(History.OutboundConnected)
            .When(Blind())
            .Then(
                new TransferRequested(TransferKind.Blind, Agent, Target, Customer, TargetUri, Now),
                TargetAddedNow());

        var live = state.ShouldBeOfType<Conversation.Live>();
        live.Transfer.ShouldBe(new TransferInProgress(TransferKind.Blind, Agent, Target, Customer, TargetUri, TransferPhase.InProgress, Now));
        live.FindParticipant(Agent)!.Pending.ShouldBe([new PendingChange(MediaOperation.Transfer, Now)]);
        live.FindParticipant(Customer)!.Pending.ShouldBeEmpty();
    }

    [Fact]
    public void GivenOutboundConnected_WhenConsultTransfer_ThenThePeerIsHeldAndTheTargetDialled() =>
        Given(History.OutboundConnected)
            .When(Consult())
            .Then(
                new TransferRequested(TransferKind.Consult, Agent, Target, Customer, TargetUri, Now),
                new ParticipantHoldRequested(Customer, true, Now),
                TargetAddedNow());

    [Fact]
    public void GivenTheCustomerAlreadyHeld_WhenConsultTransfer_ThenNoSecondHoldIsRequested() =>
        Given(History.CustomerHeld)
            .When(Consult())
            .Then(
                new TransferRequested(TransferKind.Consult, Agent, Target, Customer, TargetUri, Now),
                TargetAddedNow());

    [Fact]
    public void GivenInboundConnected_WhenTheCustomerIsTransferredAway_ThenTheAgentIsThePeer() =>
        Given(History.InboundConnected)
            .When(new TransferParticipant(Customer, TargetUri, TransferKind.Blind, Target, Now))
            .Then(
                new TransferRequested(TransferKind.Blind, Customer, Target, Agent, TargetUri, Now),
                TargetAddedNow());

    [Fact]
    public void GivenOutboundConnected_WhenTheCustomersPhoneRefers_ThenTheTransferIsOnRecordAsTheCustomers() =>
        Given(History.OutboundConnected)
            .When(new TransferParticipant(Customer, TargetUri, TransferKind.Blind, Target, Now, ByFarEnd: true))
            .Then(
                new TransferRequested(TransferKind.Blind, Customer, Target, Agent, TargetUri, Now, Initiator.Customer),
                TargetAddedNow())
            .ShouldBeOfType<Conversation.Live>().Transfer!.RequestedBy.ShouldBe(Initiator.Customer);

    [Fact]
    public void GivenABlindTransferRinging_WhenTheSameTransferAgain_ThenNothing() =>
        Given(History.BlindTransferRinging).When(Blind()).ThenNothing();

    [Fact]
    public void GivenABlindTransferRinging_WhenAnotherTransfer_ThenRejectedAsInProgress() =>
        Given(History.BlindTransferRinging)
            .When(new TransferParticipant(Customer, TargetUri, TransferKind.Blind, new ParticipantId("p-other"), Now))
            .ThenInvalidState("transfer of participant p-agent is in progress");

    [Fact]
    public void GivenTheAgentDialing_WhenTransfer_ThenRejectedAsDialing() =>
        Given(History.OutboundDialing).When(Blind()).ThenInvalidState("participant p-agent is dialing");

    [Fact]
    public void GivenTheCustomerStillDialing_WhenTransferTheAgent_ThenRejectedForLackOfAPeer() =>
        Given(History.OutboundAgentAnswered).When(Blind()).ThenInvalidState("participant p-agent has no connected peer");

    [Fact]
    public void GivenTheAgentBeingEnded_WhenTransfer_ThenRejectedAsEnding() =>
        Given(History.OutboundEnding).When(Blind()).ThenInvalidState("participant p-agent is ending");

    [Fact]
    public void GivenOutboundConnected_WhenTheTargetIdIsTaken_ThenRejectedAsExisting() =>
        Given(History.OutboundConnected)
            .When(new TransferParticipant(Agent, TargetUri, TransferKind.Blind, Customer, Now))
            .ThenInvalidState("participant p-customer already exists");

    [Fact]
    public void GivenOutboundConnected_WhenTransferAnUnknownParticipant_ThenNotFound() =>
        Given(History.OutboundConnected)
            .When(new TransferParticipant(Unknown, TargetUri, TransferKind.Blind, Target, Now))
            .ThenNotFound("participant p-unknown not found");

    [Fact]
    public void GivenEnded_WhenTransfer_ThenRejectedAsEnded() =>
        Given(History.Ended).When(Blind()).ThenInvalidState("conversation is ended");
}
