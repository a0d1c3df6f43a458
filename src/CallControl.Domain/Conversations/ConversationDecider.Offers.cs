using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;
using static CallControl.Domain.Conversations.ConversationRuleViolation;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    /// <summary>
    /// Offers are how routing hands an unanswered inbound call to agents. Several agents may be offered at
    /// once (ring-all); the first to answer takes it. Once an agent answered, further agents join through a
    /// transfer instead, so offering then is refused.
    /// </summary>
    private static void Offer(OfferToAgent c, Decision d)
    {
        var state = d.State;
        if (state.FindParticipant(c.ParticipantId) is { } existing)
        {
            if (existing.IsOffer && existing.AgentId == c.AgentId)
            {
                return;
            }

            throw InvalidState($"participant {c.ParticipantId} already exists");
        }

        if (state.Direction != ConversationDirection.Inbound)
        {
            throw InvalidState("conversation is outbound");
        }

        foreach (var participant in state.Participants)
        {
            if (participant.IsDisconnected)
            {
                continue;
            }

            if (participant.Role == ParticipantRole.Agent && participant.Status == ParticipantStatus.Connected)
            {
                throw InvalidState($"participant {participant.Id} already answered");
            }

            if (participant.AgentId == c.AgentId)
            {
                throw InvalidState($"agent {c.AgentId} is already participant {participant.Id}");
            }
        }

        var customer = state.Participants.FirstOrDefault(p => p.Role == ParticipantRole.Customer && !p.IsDisconnected)
            ?? state.Participants.First(p => p.Role == ParticipantRole.Customer);
        if (customer.Status != ParticipantStatus.Alerting || customer.IsEnding)
        {
            throw customer.IsEnding ? InvalidState($"participant {customer.Id} is ending") : InStatus(customer);
        }

        d.Emit(new ParticipantAdded(
            c.ParticipantId,
            ParticipantRole.Agent,
            c.AgentId,
            c.StationUri,
            ConversationDirection.Outbound,
            ParticipantStatus.Alerting,
            HasLeg: false,
            IsOffer: true,
            AutoAnswer: false,
            d.At));
    }

    private static void Accept(AcceptOffer c, Decision d)
    {
        var offer = RequireOffer(d.Get(c.ParticipantId));
        if (offer.IsDisconnected)
        {
            throw InStatus(offer);
        }

        if (offer.OfferAccepted || offer.Status == ParticipantStatus.Connected)
        {
            return;
        }

        d.Emit(new OfferAccepted(offer.Id, d.At));
    }

    /// <summary>
    /// An offer without a leg disconnects at once. An accepted offer already rings the station, so the leg
    /// is ended through the media layer like any other and disconnects when it confirms.
    /// </summary>
    private static void Reject(RejectOffer c, Decision d)
    {
        var offer = RequireOffer(d.Get(c.ParticipantId));
        if (offer.IsDisconnected || offer.IsEnding)
        {
            return;
        }

        if (offer.Status == ParticipantStatus.Connected)
        {
            throw InStatus(offer);
        }

        Dismiss(d, offer.Id, c.Reason ?? DisconnectReason.Decline, Initiator.Agent);
    }

    /// <summary>
    /// The offer timer only withdraws offers still waiting for the agent. Once accepted, the station's own
    /// no-answer handling in the media layer takes over.
    /// </summary>
    private static void Expire(ExpireOffer c, Decision d)
    {
        var offer = d.Get(c.ParticipantId);
        if (offer.IsOffer && !offer.OfferAccepted && !offer.IsDisconnected)
        {
            Disconnect(d, offer.Id, DisconnectReason.Timeout, null, Initiator.System);
        }
    }

    /// <summary>First answer wins: the other agents still ringing for this call stop ringing.</summary>
    private static void WithdrawOtherOffers(Decision d, ParticipantId answered)
    {
        foreach (var participant in d.State.Participants)
        {
            if (participant.Id != answered && participant.IsOffer && participant.Status != ParticipantStatus.Connected)
            {
                Dismiss(d, participant.Id, DisconnectReason.Cancel, Initiator.System);
            }
        }
    }

    private static Participant RequireOffer(Participant participant) =>
        participant.IsOffer ? participant : throw InvalidState($"participant {participant.Id} is not an offer");
}
