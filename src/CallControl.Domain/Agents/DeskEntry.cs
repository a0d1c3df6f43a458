using CallControl.Domain.Conversations;

namespace CallControl.Domain.Agents;

/// <param name="Version">The conversation's stream version this entry shows.</param>
/// <param name="Conversation">The conversation as it was after that version.</param>
/// <param name="AgentParticipant">This agent's participant in it.</param>
/// <param name="ConnectedAt">When this agent's participant connected, if it did.</param>
public sealed record DeskEntry(
    ConversationId ConversationId,
    long Version,
    Conversation.Started Conversation,
    Participant AgentParticipant,
    DateTimeOffset LastChangedAt,
    DateTimeOffset? ConnectedAt);
