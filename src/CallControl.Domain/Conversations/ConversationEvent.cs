using CallControl.Domain.Agents;

namespace CallControl.Domain.Conversations;

/// <summary>
/// What happened to a conversation. The case names are the stored event type names, so they are unique and
/// never renamed; each case carries ids and values only, so it round-trips through System.Text.Json.
/// </summary>
public abstract partial record ConversationEvent
{
    private ConversationEvent()
    {
    }

    public abstract DateTimeOffset At { get; init; }

    /// <param name="CustomerParticipantId">Outbound only: the id the customer gets once the agent answers.</param>
    public sealed record ConversationStarted(
        ConversationId ConversationId,
        ConversationDirection Direction,
        string To,
        string? From,
        string? CallerIdName,
        ParticipantId? CustomerParticipantId,
        DateTimeOffset At) : ConversationEvent;

    /// <param name="Status">Dialing for a leg we place, alerting for an inbound call or an agent offer.</param>
    public sealed record ParticipantAdded(
        ParticipantId ParticipantId,
        ParticipantRole Role,
        AgentId? AgentId,
        string Address,
        ConversationDirection Direction,
        ParticipantStatus Status,
        bool HasLeg,
        bool IsOffer,
        bool AutoAnswer,
        DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantAlerting(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantConnected(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    /// <summary>The agent took the offer; the media layer now rings the agent's station.</summary>
    public sealed record OfferAccepted(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    /// <param name="Reason">Recorded on the disconnect when given; otherwise the media layer's reason is.</param>
    public sealed record ParticipantEndRequested(
        ParticipantId ParticipantId,
        DisconnectReason? Reason,
        Initiator Initiator,
        DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantDisconnected(
        ParticipantId ParticipantId,
        DisconnectReason Reason,
        int? SipStatus,
        Initiator Initiator,
        DateTimeOffset At) : ConversationEvent;

    /// <summary>Appended together with the disconnect of the last participant.</summary>
    public sealed record ConversationEnded(DateTimeOffset At) : ConversationEvent;
}
