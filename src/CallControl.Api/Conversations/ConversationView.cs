using System.Text.Json.Serialization;
using CallControl.Domain;
using CallControl.Domain.Agents;
using CallControl.Domain.Conversations;

namespace CallControl.Api.Conversations;

/// <summary>A conversation as the contract renders it (GET, lists, desk snapshots, webhooks).</summary>
public sealed record ConversationView(
    string Id,
    long Version,
    ConversationDirection Direction,
    ConversationStatus State,
    IReadOnlyList<ParticipantView> Participants,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    RecordingView Recording,
    TransferView? Transfer)
{
    public static ConversationView From(Conversation.Started conversation, long version) => new(
        conversation.Id.Value,
        version,
        conversation.Direction,
        conversation.Status,
        [.. conversation.Participants.Select(ParticipantView.From)],
        conversation.StartedAt,
        conversation.EndedAt,
        new RecordingView(conversation.Recording.Enabled, conversation.Recording.Path, conversation.Recording.Pending.Count > 0),
        conversation.Transfer is { } transfer
            ? new TransferView(transfer.Kind, transfer.TransferringParticipantId.Value, transfer.TargetParticipantId.Value, transfer.To, transfer.Phase)
            : null);
}

/// <summary>A participant as the contract renders it; <c>remoteHeld</c> is an extension (the far end holds us).</summary>
public sealed record ParticipantView(
    string Id,
    ParticipantRole Role,
    string? AgentId,
    string Address,
    ParticipantStatus State,
    bool Held,
    bool Muted,
    bool RemoteHeld,
    ConversationDirection Direction,
    DateTimeOffset? ConnectedAt,
    DateTimeOffset? EndedAt,
    DisconnectReason? DisconnectReason,
    int? SipStatus,
    Initiator? Initiator,
    IReadOnlyList<PendingView> Pending)
{
    public static ParticipantView From(Participant participant) => new(
        participant.Id.Value,
        participant.Role,
        participant.AgentId?.Value,
        participant.Address,
        participant.Status,
        participant.Held,
        participant.Muted,
        participant.RemoteHeld,
        participant.Direction,
        participant.ConnectedAt,
        participant.EndedAt,
        participant.DisconnectReason,
        participant.SipStatus,
        participant.Initiator,
        [.. participant.Pending.Select(p => new PendingView(p.Command, p.RequestedAt))]);
}

public sealed record PendingView(MediaOperation Command, DateTimeOffset RequestedAt);

public sealed record RecordingView(bool Enabled, string? Path, bool Pending);

public sealed record TransferView(TransferKind Kind, string TransferringParticipantId, string TargetParticipantId, string To, TransferPhase Phase);

/// <summary>One conversation on an agent's desk: the conversation and that agent's own participant.</summary>
public sealed record DeskItemView(string ConversationId, long Version, ConversationView Conversation, ParticipantView AgentParticipant)
{
    public static DeskItemView From(DeskEntry entry) => new(
        entry.ConversationId.Value,
        entry.Version,
        ConversationView.From(entry.Conversation, entry.Version),
        ParticipantView.From(entry.AgentParticipant));
}

/// <summary>The agent's desk now (GET /agents/{id}/conversations): a conversationUpdate without added/removed.</summary>
public sealed record DeskSnapshotView(
    string AgentId,
    long Sequence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ActiveConversationId,
    IReadOnlyList<DeskItemView> Current);

/// <summary>The <c>conversationUpdate</c> payload sent to agent desktops.</summary>
public sealed record ConversationUpdateView(
    string Type,
    string AgentId,
    long Sequence,
    DateTimeOffset OccurredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ActiveConversationId,
    IReadOnlyList<DeskItemView> Current,
    IReadOnlyList<DeskItemView> Added,
    IReadOnlyList<DeskItemView> Removed)
{
    public static ConversationUpdateView From(ConversationUpdate update) => new(
        "conversationUpdate",
        update.AgentId.Value,
        update.Sequence,
        update.OccurredAt,
        update.ActiveConversationId?.Value,
        [.. update.Current.Select(DeskItemView.From)],
        [.. update.Added.Select(DeskItemView.From)],
        [.. update.Removed.Select(DeskItemView.From)]);
}
