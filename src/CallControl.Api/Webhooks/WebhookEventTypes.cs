using CallControl.Domain.Conversations;

namespace CallControl.Api.Webhooks;

/// <summary>The contract's webhook event types and which domain events they are made from.</summary>
public static class WebhookEventTypes
{
    public const string ConversationUpdate = "conversationUpdate";

    public static IReadOnlyList<string> All { get; } =
    [
        ConversationUpdate,
        "conversation.started",
        "participant.alerting",
        "participant.connected",
        "participant.held",
        "participant.resumed",
        "participant.muted",
        "participant.unmuted",
        "participant.disconnected",
        "transfer.completed",
        "transfer.failed",
        "conversation.ended",
        "command.failed",
    ];

    public static bool IsKnown(string? type) => type is not null && All.Contains(type, StringComparer.Ordinal);

    /// <summary>The webhook type of a domain event and the participant it is about, or null when it is not sent.</summary>
    public static (string Type, ParticipantId? Participant)? Of(ConversationEvent @event) => @event switch
    {
        ConversationEvent.ConversationStarted => ("conversation.started", null),
        ConversationEvent.ParticipantAdded { Status: ParticipantStatus.Alerting } added => ("participant.alerting", added.ParticipantId),
        ConversationEvent.ParticipantAlerting alerting => ("participant.alerting", alerting.ParticipantId),
        ConversationEvent.ParticipantConnected connected => ("participant.connected", connected.ParticipantId),
        ConversationEvent.ParticipantHeld held => ("participant.held", held.ParticipantId),
        ConversationEvent.ParticipantResumed resumed => ("participant.resumed", resumed.ParticipantId),
        ConversationEvent.ParticipantMuted muted => ("participant.muted", muted.ParticipantId),
        ConversationEvent.ParticipantUnmuted unmuted => ("participant.unmuted", unmuted.ParticipantId),
        ConversationEvent.ParticipantDisconnected gone => ("participant.disconnected", gone.ParticipantId),
        ConversationEvent.TransferCompleted completed => ("transfer.completed", completed.TransferringParticipantId),
        ConversationEvent.TransferFailed failed => ("transfer.failed", failed.TransferringParticipantId),
        ConversationEvent.ConversationEnded => ("conversation.ended", null),
        ConversationEvent.ParticipantCommandFailed failed => ("command.failed", failed.ParticipantId),
        _ => null,
    };
}
