using System.Collections.Immutable;
using CallControl.Domain.Conversations;

namespace CallControl.Domain.Agents;

/// <summary>
/// Turns conversation changes into per-agent desks and <c>conversationUpdate</c>s. Called once per append
/// (a command's whole batch), so an agent gets one update per change it can see, never one per event.
/// </summary>
public static class AgentDeskProjection
{
    public static (AgentDesk Desk, ConversationUpdate? Update) Project(
        AgentDesk desk,
        Conversation.Started conversationAfter,
        long version,
        DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(desk);
        ArgumentNullException.ThrowIfNull(conversationAfter);

        var id = conversationAfter.Id;
        if (AgentParticipantOf(conversationAfter, desk.AgentId) is not { } participant)
        {
            return (desk, null);
        }

        var leaves = participant.IsDisconnected || conversationAfter is Conversation.Ended;
        var entry = new DeskEntry(id, version, conversationAfter, participant, at, participant.ConnectedAt);
        ImmutableDictionary<ConversationId, DeskEntry> current;
        ValueList<DeskEntry> added = [];
        ValueList<DeskEntry> removed = [];
        if (!desk.Current.TryGetValue(id, out var previous))
        {
            if (leaves)
            {
                return (desk, null);
            }

            current = desk.Current.Add(id, entry);
            added = [entry];
        }
        else if (leaves)
        {
            current = desk.Current.Remove(id);
            removed = [entry];
        }
        else if (previous.Conversation == conversationAfter)
        {
            // Nothing the agent can see changed (digits, say); the entry keeps the version it was sent with.
            return (desk, null);
        }
        else
        {
            current = desk.Current.SetItem(id, entry);
        }

        var next = desk with
        {
            Sequence = desk.Sequence + 1,
            Current = current,
            ActiveConversationId = ChooseActive(current.Values),
        };
        var update = new ConversationUpdate(next.AgentId, next.Sequence, at, next.ActiveConversationId, next.Ordered(), added, removed);
        return (next, update);
    }

    /// <summary>Projects one append for every agent that takes or took part in the conversation.</summary>
    /// <param name="desks">The desks known so far; agents without one start from an empty desk.</param>
    public static (ImmutableDictionary<AgentId, AgentDesk> Desks, IReadOnlyList<ConversationUpdate> Updates) ProjectAll(
        IReadOnlyDictionary<AgentId, AgentDesk> desks,
        Conversation.Started conversationAfter,
        long version,
        DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(desks);
        ArgumentNullException.ThrowIfNull(conversationAfter);

        var result = desks as ImmutableDictionary<AgentId, AgentDesk> ?? desks.ToImmutableDictionary();
        var updates = new List<ConversationUpdate>();
        foreach (var agentId in AgentsIn(conversationAfter))
        {
            var desk = result.TryGetValue(agentId, out var known) ? known : AgentDesk.Empty(agentId);
            var (next, update) = Project(desk, conversationAfter, version, at);
            if (update is not null)
            {
                result = result.SetItem(agentId, next);
                updates.Add(update);
            }
        }

        return (result, updates);
    }

    /// <summary>Applies one batch: evolves its conversation from the events, then projects the desks.</summary>
    public static (DeskReplay Replay, IReadOnlyList<ConversationUpdate> Updates) Apply(DeskReplay replay, ConversationEventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Events.Count == 0)
        {
            return (replay, []);
        }

        var before = replay.Conversations.TryGetValue(batch.ConversationId, out var known) ? known : Conversation.Initial;
        if (ConversationDecider.Fold(before, batch.Events) is not Conversation.Started after)
        {
            throw new InvalidOperationException($"Conversation {batch.ConversationId} did not start.");
        }

        // An ended conversation decides nothing more, so it need not be kept.
        var conversations = after is Conversation.Ended
            ? replay.Conversations.Remove(batch.ConversationId)
            : replay.Conversations.SetItem(batch.ConversationId, after);
        var (desks, updates) = ProjectAll(replay.Desks, after, batch.Version, batch.At);
        return (new DeskReplay(conversations, desks), updates);
    }

    /// <summary>Rebuilds every desk from the log: a pure function over conversation event batches in append order.</summary>
    public static (DeskReplay Replay, IReadOnlyList<ConversationUpdate> Updates) Replay(IEnumerable<ConversationEventBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        var replay = DeskReplay.Empty;
        var updates = new List<ConversationUpdate>();
        foreach (var batch in batches)
        {
            (replay, var produced) = Apply(replay, batch);
            updates.AddRange(produced);
        }

        return (replay, updates);
    }

    /// <summary>
    /// The conversation the agent is talking in: connected and nothing held by us. Among several, the one
    /// connected last, then the one changed last. If every connected one is held, the one connected last;
    /// with nothing connected (only offers ringing), the one changed last. Never null while there are entries.
    /// </summary>
    public static ConversationId? ChooseActive(IEnumerable<DeskEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var all = entries.ToList();
        if (all.Count == 0)
        {
            return null;
        }

        var connected = all.Where(e => e.AgentParticipant.Status == ParticipantStatus.Connected).ToList();
        var talking = connected.Where(e => !IsHeld(e)).ToList();
        var pool = talking.Count > 0 ? talking : connected.Count > 0 ? connected : all;
        return pool
            .OrderByDescending(e => e.ConnectedAt ?? DateTimeOffset.MinValue)
            .ThenByDescending(e => e.LastChangedAt)
            .ThenBy(e => e.ConversationId.Value, StringComparer.Ordinal)
            .First()
            .ConversationId;
    }

    private static bool IsHeld(DeskEntry entry) =>
        entry.AgentParticipant.Held
        || entry.Conversation.Participants.Any(p => p.Status == ParticipantStatus.Connected && p.Held);

    /// <summary>An agent re-offered the same conversation has a newer participant; the live one is what the desk shows.</summary>
    private static Participant? AgentParticipantOf(Conversation.Started conversation, AgentId agentId)
    {
        Participant? latest = null;
        foreach (var participant in conversation.Participants)
        {
            if (participant.AgentId != agentId)
            {
                continue;
            }

            if (latest is null || !participant.IsDisconnected || latest.IsDisconnected)
            {
                latest = participant;
            }
        }

        return latest;
    }

    private static IEnumerable<AgentId> AgentsIn(Conversation.Started conversation) =>
        conversation.Participants
            .Where(p => p.AgentId is not null)
            .Select(p => p.AgentId.GetValueOrDefault())
            .Distinct();
}
