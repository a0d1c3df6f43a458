using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    private static void End(EndParticipant c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        Dismiss(d, participant.Id, c.Reason, c.Initiator);
    }

    private static void EndAll(EndConversation c, Decision d)
    {
        foreach (var participant in d.State.Participants)
        {
            Dismiss(d, participant.Id, null, c.Initiator);
        }
    }

    /// <summary>
    /// Makes a participant leave: one without a leg (an offer nobody accepted) is disconnected at once,
    /// one with a leg is asked to end and disconnects when the media layer reports the leg gone.
    /// Already gone or already asked: nothing.
    /// </summary>
    private static void Dismiss(Decision d, ParticipantId id, DisconnectReason? reason, Initiator initiator)
    {
        var participant = d.Get(id);
        if (participant.IsDisconnected || participant.IsEnding)
        {
            return;
        }

        if (participant.HasLeg)
        {
            d.Emit(new ParticipantEndRequested(id, reason, initiator, d.At));
        }
        else
        {
            Disconnect(d, id, reason ?? DisconnectReason.Cancel, null, initiator);
        }
    }

    /// <summary>
    /// Records a participant leaving and everything that follows from it, in order: the transfer's outcome,
    /// offers with nobody left to answer for, a participant left alone, and the end of the conversation.
    /// </summary>
    private static void Disconnect(Decision d, ParticipantId id, DisconnectReason reported, int? sipStatus, Initiator reportedBy)
    {
        var participant = d.Get(id);
        if (participant.IsDisconnected)
        {
            return;
        }

        // What we asked for explains the disconnect better than what the media layer saw (it only sent a BYE).
        var handedOver = HandsConsultOver(d.State, participant);
        var reason = handedOver ? DisconnectReason.Transfer : participant.EndRequest?.Reason ?? reported;
        var initiator = participant.EndRequest?.Initiator ?? reportedBy;

        d.Emit(new ParticipantDisconnected(id, reason, sipStatus, initiator, d.At));
        SettleTransfer(d, id, reason, handedOver);
        WithdrawOrphanedAgents(d, initiator);
        EndLoneParticipant(d, initiator);
        EndWhenEveryoneLeft(d);
    }

    /// <summary>
    /// With no customer or external party left, agents have nobody to talk to: offers are withdrawn and
    /// agent legs ended. This is what stops agents' phones ringing when a caller abandons in the queue.
    /// </summary>
    private static void WithdrawOrphanedAgents(Decision d, Initiator initiator)
    {
        if (!d.IsLive || d.State.Participants.Any(p => p.Role != ParticipantRole.Agent && !p.IsDisconnected))
        {
            return;
        }

        foreach (var participant in d.State.Participants)
        {
            var current = d.Get(participant.Id);
            var reason = current.Status == ParticipantStatus.Connected ? (DisconnectReason?)null : DisconnectReason.Cancel;
            Dismiss(d, current.Id, reason, initiator);
        }
    }

    /// <summary>
    /// A participant left alone is ended when connected (the other side hung up) or when it is a leg we are
    /// still placing (nobody is left to bridge it to). An inbound caller still alerting is waiting for
    /// routing and stays.
    /// </summary>
    private static void EndLoneParticipant(Decision d, Initiator initiator)
    {
        if (!d.IsLive)
        {
            return;
        }

        var remaining = d.State.Participants.Where(p => !p.IsDisconnected).Take(2).ToList();
        if (remaining is not [{ IsEnding: false } lone])
        {
            return;
        }

        if (lone.Status == ParticipantStatus.Connected)
        {
            d.Emit(new ParticipantEndRequested(lone.Id, null, initiator, d.At));
        }
        else if (lone.Direction == ConversationDirection.Outbound && lone.HasLeg)
        {
            d.Emit(new ParticipantEndRequested(lone.Id, DisconnectReason.Cancel, initiator, d.At));
        }
    }

    private static void EndWhenEveryoneLeft(Decision d)
    {
        if (d.IsLive && d.State.Participants.All(p => p.IsDisconnected))
        {
            d.Emit(new ConversationEnded(d.At));
        }
    }
}
