namespace CallControl.Domain.Conversations;

public abstract partial record ConversationEvent
{
    /// <param name="PeerParticipantId">The party being transferred (held during a consult).</param>
    /// <param name="RequestedBy">
    /// Who asked, when it was the transferring participant's own far end (a REFER): on record as the initiator of
    /// that participant leaving. Null for a request through the API.
    /// </param>
    public sealed record TransferRequested(
        TransferKind Kind,
        ParticipantId TransferringParticipantId,
        ParticipantId TargetParticipantId,
        ParticipantId PeerParticipantId,
        string To,
        DateTimeOffset At,
        Initiator? RequestedBy = null) : ConversationEvent;

    public sealed record TransferCompleteRequested(ParticipantId TransferringParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record TransferCancelRequested(ParticipantId TransferringParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record TransferCompleted(
        ParticipantId TransferringParticipantId,
        ParticipantId TargetParticipantId,
        DateTimeOffset At) : ConversationEvent;

    public sealed record TransferFailed(
        ParticipantId TransferringParticipantId,
        ParticipantId TargetParticipantId,
        string Detail,
        DateTimeOffset At) : ConversationEvent;
}
