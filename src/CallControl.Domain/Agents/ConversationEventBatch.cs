using CallControl.Domain.Conversations;

namespace CallControl.Domain.Agents;

/// <summary>The events one command appended to one conversation.</summary>
/// <param name="Version">The stream version after the last of <paramref name="Events"/>.</param>
/// <param name="At">When they were appended.</param>
public sealed record ConversationEventBatch(
    ConversationId ConversationId,
    long Version,
    DateTimeOffset At,
    IReadOnlyList<ConversationEvent> Events);
