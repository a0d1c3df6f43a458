using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;
using static CallControl.Domain.Conversations.ConversationRuleViolation;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    /// <summary>
    /// One transfer at a time. The transferring participant must have exactly one connected peer: that is
    /// the party being transferred, and with two or more there is no telling whom the caller meant.
    /// </summary>
    private static void Transfer(TransferParticipant c, Decision d)
    {
        var transferring = d.Get(c.ParticipantId);
        if (d.State.Transfer is { } current)
        {
            if (current.TransferringParticipantId == c.ParticipantId
                && current.TargetParticipantId == c.TargetParticipantId
                && current.Kind == c.Kind)
            {
                return;
            }

            throw InvalidState($"transfer of participant {current.TransferringParticipantId} is in progress");
        }

        RequireActive(transferring);
        if (d.State.FindParticipant(c.TargetParticipantId) is not null)
        {
            throw InvalidState($"participant {c.TargetParticipantId} already exists");
        }

        var peers = d.State.Participants
            .Where(p => p.Id != transferring.Id && p.Status == ParticipantStatus.Connected && !p.IsEnding)
            .ToList();
        if (peers.Count != 1)
        {
            throw InvalidState(peers.Count == 0
                ? $"participant {transferring.Id} has no connected peer"
                : $"participant {transferring.Id} has {peers.Count} connected peers");
        }

        var peer = peers[0];
        d.Emit(new TransferRequested(c.Kind, transferring.Id, c.TargetParticipantId, peer.Id, c.To, d.At, c.ByFarEnd ? FarEnd(transferring) : null));
        if (c.Kind == TransferKind.Consult && !peer.IntendsHeld)
        {
            d.Emit(new ParticipantHoldRequested(peer.Id, Music: true, d.At));
        }

        d.Emit(new ParticipantAdded(
            c.TargetParticipantId,
            ParticipantRole.External,
            null,
            c.To,
            ConversationDirection.Outbound,
            ParticipantStatus.Dialing,
            HasLeg: true,
            IsOffer: false,
            AutoAnswer: false,
            d.At));
    }

    private static void Complete(CompleteTransfer c, Decision d)
    {
        var (transferring, transfer) = RequireConsult(c.ParticipantId, d);
        switch (transfer.Phase)
        {
            case TransferPhase.Completing:
                return;
            case TransferPhase.Cancelling:
                throw InvalidState("transfer is being cancelled");
        }

        RequireActive(transferring);
        RequireActive(d.Get(transfer.TargetParticipantId));
        d.Emit(new TransferCompleteRequested(transferring.Id, d.At));
        ResumePeer(d, transfer);
        d.Emit(new ParticipantEndRequested(transferring.Id, DisconnectReason.Transfer, InitiatorFor(transferring), d.At));
    }

    private static void Cancel(CancelTransfer c, Decision d)
    {
        var (transferring, transfer) = RequireConsult(c.ParticipantId, d);
        switch (transfer.Phase)
        {
            case TransferPhase.Cancelling:
                return;
            case TransferPhase.Completing:
                throw InvalidState("transfer is being completed");
        }

        RequireActive(transferring);
        d.Emit(new TransferCancelRequested(transferring.Id, d.At));
        Dismiss(d, transfer.TargetParticipantId, DisconnectReason.Cancel, InitiatorFor(transferring));
        ResumePeer(d, transfer);
    }

    private static (Participant Transferring, TransferInProgress Transfer) RequireConsult(ParticipantId id, Decision d)
    {
        var transferring = d.Get(id);
        if (d.State.Transfer is { Kind: TransferKind.Consult } transfer && transfer.TransferringParticipantId == id)
        {
            return (transferring, transfer);
        }

        throw InvalidState($"participant {id} has no consult transfer in progress");
    }

    /// <summary>
    /// A blind transfer completes when its target answers: the transferring participant is dropped. A consult
    /// whose transferring participant already hung up completes the same way, handing the peer to the target.
    /// </summary>
    private static void TargetAnswered(Decision d, Participant target)
    {
        if (d.State.Transfer is not { } transfer || transfer.TargetParticipantId != target.Id || target.IsEnding)
        {
            return;
        }

        var transferring = d.Get(transfer.TransferringParticipantId);
        if (transfer.Kind == TransferKind.Blind)
        {
            d.Emit(new TransferCompleted(transferring.Id, target.Id, d.At));
            if (!transferring.IsDisconnected && !transferring.IsEnding)
            {
                d.Emit(new ParticipantEndRequested(transferring.Id, DisconnectReason.Transfer, transfer.RequestedBy ?? InitiatorFor(transferring), d.At));
            }
        }
        else if (transfer.Phase == TransferPhase.InProgress && transferring.IsDisconnected)
        {
            ResumePeer(d, transfer);
            d.Emit(new TransferCompleted(transferring.Id, target.Id, d.At));
        }
    }

    /// <summary>
    /// The consulting participant hanging up while talking to the target hands the peer over, as on any
    /// attended-transfer phone; unless the peer or target is leaving too (the whole conversation is ending).
    /// </summary>
    private static bool HandsConsultOver(Conversation.Started state, Participant leaving) =>
        state.Transfer is { Kind: TransferKind.Consult, Phase: TransferPhase.InProgress } transfer
        && transfer.TransferringParticipantId == leaving.Id
        && state.FindParticipant(transfer.TargetParticipantId) is { Status: ParticipantStatus.Connected, IsEnding: false }
        && state.FindParticipant(transfer.Peer) is { IsDisconnected: false, IsEnding: false };

    /// <summary>Works out what a participant's disconnect means for the transfer in progress, if any.</summary>
    private static void SettleTransfer(Decision d, ParticipantId gone, DisconnectReason reason, bool handedOver)
    {
        if (d.State.Transfer is not { } transfer)
        {
            return;
        }

        if (gone == transfer.TargetParticipantId)
        {
            var detail = transfer.Phase == TransferPhase.Cancelling ? "cancelled" : $"target disconnected: {reason.ToWire()}";
            d.Emit(new TransferFailed(transfer.TransferringParticipantId, gone, detail, d.At));
        }
        else if (gone == transfer.TransferringParticipantId)
        {
            // A blind target keeps ringing for the peer, and an unanswered consult target does too: whoever
            // hung up meant to leave, and the peer still needs someone to talk to.
            if (transfer.Phase == TransferPhase.Completing || handedOver)
            {
                ResumePeer(d, transfer);
                d.Emit(new TransferCompleted(gone, transfer.TargetParticipantId, d.At));
            }
        }
        else if (gone == transfer.Peer)
        {
            d.Emit(new TransferFailed(transfer.TransferringParticipantId, transfer.TargetParticipantId, "peer disconnected", d.At));

            // A blind target was called only for the peer; a consult target may still talk with the consulting party.
            if (transfer.Kind == TransferKind.Blind)
            {
                Dismiss(d, transfer.TargetParticipantId, DisconnectReason.Cancel, Initiator.System);
            }
        }
    }

    /// <summary>
    /// The media layer could not carry the transfer out: it fails, and a target that never answered is
    /// called off. A consult's peer stays held, as after any failed consult the agent decides when to resume.
    /// </summary>
    private static void FailTransfer(Decision d, Participant transferring, string detail)
    {
        if (d.State.Transfer is not { } transfer || transfer.TransferringParticipantId != transferring.Id)
        {
            return;
        }

        d.Emit(new TransferFailed(transferring.Id, transfer.TargetParticipantId, detail, d.At));
        if (d.Get(transfer.TargetParticipantId).Status != ParticipantStatus.Connected)
        {
            Dismiss(d, transfer.TargetParticipantId, DisconnectReason.Cancel, Initiator.System);
        }
    }

    private static void ResumePeer(Decision d, TransferInProgress transfer)
    {
        var peer = d.Get(transfer.Peer);
        if (peer.Status == ParticipantStatus.Connected && !peer.IsEnding && peer.IntendsHeld)
        {
            d.Emit(new ParticipantResumeRequested(peer.Id, d.At));
        }
    }
}
