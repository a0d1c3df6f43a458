using CallControl.Domain.Conversations;

namespace CallControl.Domain.Agents;

/// <summary>
/// The contract's <c>conversationUpdate</c> for one agent. <see cref="Sequence"/> grows by exactly one per
/// update, so a receiver that sees a gap knows to resync from the desk snapshot. The lists the projection
/// builds compare by value, so two updates with the same content are equal.
/// </summary>
/// <param name="Current">Every conversation still on the desk after this update.</param>
/// <param name="Removed">Conversations that left the desk, in their final state.</param>
public sealed record ConversationUpdate(
    AgentId AgentId,
    long Sequence,
    DateTimeOffset OccurredAt,
    ConversationId? ActiveConversationId,
    IReadOnlyList<DeskEntry> Current,
    IReadOnlyList<DeskEntry> Added,
    IReadOnlyList<DeskEntry> Removed);
