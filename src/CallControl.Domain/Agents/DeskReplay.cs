using System.Collections.Immutable;
using CallControl.Domain.Conversations;

namespace CallControl.Domain.Agents;

/// <summary>
/// What rebuilding desks from the event log needs to carry between batches: the conversations still live
/// (their state is evolved from the events themselves) and every agent's desk.
/// </summary>
public sealed record DeskReplay(
    ImmutableDictionary<ConversationId, Conversation> Conversations,
    ImmutableDictionary<AgentId, AgentDesk> Desks)
{
    public static DeskReplay Empty { get; } = new(
        ImmutableDictionary<ConversationId, Conversation>.Empty,
        ImmutableDictionary<AgentId, AgentDesk>.Empty);
}
