using System.Collections.Immutable;
using CallControl.Domain.Conversations;

namespace CallControl.Domain.Agents;

/// <summary>
/// One agent's desk: the conversations the agent takes part in right now, and the sequence number of the
/// last update sent about them.
/// </summary>
public sealed record AgentDesk(
    AgentId AgentId,
    long Sequence,
    ImmutableDictionary<ConversationId, DeskEntry> Current,
    ConversationId? ActiveConversationId)
{
    public static AgentDesk Empty(AgentId agentId) =>
        new(agentId, 0, ImmutableDictionary<ConversationId, DeskEntry>.Empty, null);

    /// <summary>Current entries in a stable order: oldest conversation first.</summary>
    public ValueList<DeskEntry> Ordered() =>
        ValueList<DeskEntry>.From(
        [
            .. Current.Values
                .OrderBy(e => e.Conversation.StartedAt)
                .ThenBy(e => e.ConversationId.Value, StringComparer.Ordinal),
        ]);
}
