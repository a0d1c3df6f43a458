namespace CallControl.Domain.Conversations;

/// <param name="Peer">The party being transferred: the transferring participant's connected peer, held during a consult.</param>
/// <param name="RequestedBy">The transferring participant's far end when it asked for the transfer itself (a REFER).</param>
public sealed record TransferInProgress(
    TransferKind Kind,
    ParticipantId TransferringParticipantId,
    ParticipantId TargetParticipantId,
    ParticipantId Peer,
    string To,
    TransferPhase Phase,
    DateTimeOffset RequestedAt,
    Initiator? RequestedBy = null);
