namespace CallControl.Domain.Tests.Conversations;

/// <summary>One instance of every command and event case, for tests that must cover them all.</summary>
internal static class Catalogue
{
    public static IReadOnlyList<ConversationCommand> StartCommands { get; } =
    [
        new StartOutboundConversation(Conversation1, Agent, AgentA1, Station1, false, CustomerNumber, null, null, Customer, Now),
        new ReceiveInboundCall(Conversation1, Customer, CustomerNumber, CompanyNumber, null, Now),
    ];

    /// <summary>Commands from the CRM (and the offer timer and media dispatch), excluding the starts.</summary>
    public static IReadOnlyList<ConversationCommand> CrmCommands { get; } =
    [
        new AssignMediaWorker("worker-1", Now),
        new OfferToAgent(OtherAgent, AgentA2, Station2, Now),
        new AcceptOffer(Agent, Now),
        new RejectOffer(Agent, null, Now),
        new ExpireOffer(Agent, Now),
        new HoldParticipant(Customer, true, Now),
        new ResumeParticipant(Customer, Now),
        new MuteParticipant(Customer, Now),
        new UnmuteParticipant(Customer, Now),
        new TransferParticipant(Agent, TargetUri, TransferKind.Blind, Target, Now),
        new CompleteTransfer(Agent, Now),
        new CancelTransfer(Agent, Now),
        new SendDigits(Customer, "1", Now),
        new SetRecording(true, Now),
        new EndParticipant(Agent, null, Initiator.Agent, Now),
        new EndConversation(Initiator.Agent, Now),
    ];

    public static IReadOnlyList<ConversationCommand> MediaFacts { get; } =
    [
        new ConfirmLegAlerting(Customer, Now),
        new ConfirmLegAnswered(Customer, Now),
        new ConfirmLegHeld(Customer, Now),
        new ConfirmLegResumed(Customer, Now),
        new ConfirmLegMuted(Customer, Now),
        new ConfirmLegUnmuted(Customer, Now),
        new ReportRemoteHold(Customer, true, Now),
        new ReportLegCommandFailed(Customer, MediaOperation.Hold, 500, "failed", Now),
        new ReportLegEnded(Customer, DisconnectReason.Gone, null, Initiator.System, Now),
        new ReportDigitsReceived(Customer, "1", Now),
        new ConfirmRecordingStarted("/rec/c-1.wav", Now),
        new ConfirmRecordingStopped(Now),
        new ReportRecordingFailed("failed", Now),
    ];

    public static IReadOnlyList<ConversationEvent> Events { get; } =
    [
        History.OutboundStarted,
        History.AgentDialing,
        new ParticipantAlerting(Agent, Now),
        new ParticipantConnected(Agent, Now),
        new OfferAccepted(Agent, Now),
        new MediaWorkerAssigned("worker-1", Now),
        new ParticipantHoldRequested(Customer, true, Now),
        new ParticipantHeld(Customer, Now),
        new ParticipantResumeRequested(Customer, Now),
        new ParticipantResumed(Customer, Now),
        new ParticipantMuteRequested(Customer, Now),
        new ParticipantMuted(Customer, Now),
        new ParticipantUnmuteRequested(Customer, Now),
        new ParticipantUnmuted(Customer, Now),
        new ParticipantRemoteHeld(Customer, Now),
        new ParticipantRemoteResumed(Customer, Now),
        new ParticipantCommandFailed(Customer, MediaOperation.Hold, 488, "not acceptable here", Now),
        new TransferRequested(TransferKind.Consult, Agent, Target, Customer, TargetUri, Now),
        new TransferCompleteRequested(Agent, Now),
        new TransferCancelRequested(Agent, Now),
        new TransferCompleted(Agent, Target, Now),
        new TransferFailed(Agent, Target, "cancelled", Now),
        new DigitsSendRequested(Customer, "12#", Now),
        new DigitsReceived(Customer, "3", Now),
        new RecordingStartRequested(Now),
        new RecordingStarted("/rec/c-1.wav", Now),
        new RecordingStopRequested(Now),
        new RecordingStopped(Now),
        new RecordingFailed("disk full", Now),
        new ParticipantEndRequested(Agent, DisconnectReason.Transfer, Initiator.Agent, Now),
        new ParticipantDisconnected(Agent, DisconnectReason.FailedTransport, 503, Initiator.System, Now),
        new ConversationEnded(Now),
    ];

    public static TheoryData<ConversationCommand> Data(IEnumerable<ConversationCommand> commands)
    {
        var data = new TheoryData<ConversationCommand>();
        foreach (var command in commands)
        {
            data.Add(command);
        }

        return data;
    }

    public static IEnumerable<Type> CasesOf(Type closedHierarchy) =>
        closedHierarchy.GetNestedTypes().Where(t => !t.IsAbstract && t.IsSubclassOf(closedHierarchy));
}
