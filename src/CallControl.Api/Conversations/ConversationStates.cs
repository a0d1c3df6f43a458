using System.Collections.Concurrent;
using CallControl.Api.EventStore;
using CallControl.Domain.Conversations;
using Npgsql;

namespace CallControl.Api.Conversations;

/// <summary>A conversation's state at a version, with the events that led there from where the read began.</summary>
public sealed record LoadedConversation(Conversation State, long Version);

/// <summary>
/// Conversation states folded from the log. The state is a pure function of the committed stream, so a
/// remembered state at version N stays right for ever: a load reads only the events after it (usually
/// none) and folds them on. Only committed states are remembered: loads inside a transaction (which may
/// see its own uncommitted events) use what is known but add nothing. Bounded: past
/// <see cref="MaxEntries"/> it forgets everything and starts over. With each state it keeps the last
/// <see cref="RecentEvents"/> events that led to it, so that a request waiting for its command's answer can
/// go through what happened since without reading the stream again.
/// </summary>
public sealed class ConversationStates
{
    public const int MaxEntries = 20_000;

    /// <summary>Events kept with each remembered state, the newest last.</summary>
    public const int RecentEvents = 16;

    private readonly ConcurrentDictionary<(string Tenant, string Id), Entry> _known = new();

    /// <summary>The latest state of the conversation, read through <paramref name="connection"/> (and its transaction, if any).</summary>
    public Task<LoadedConversation> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string tenantId, string conversationId, CancellationToken cancellationToken) =>
        LoadAsync(connection, transaction, tenantId, conversationId, long.MaxValue, cancellationToken);

    /// <summary>The state at <paramref name="version"/> (or the latest, if the stream is shorter).</summary>
    public async Task<LoadedConversation> LoadAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string tenantId,
        string conversationId,
        long version,
        CancellationToken cancellationToken)
    {
        var key = (tenantId, conversationId);
        var start = _known.TryGetValue(key, out var known) && known.Loaded.Version <= version
            ? known.Loaded
            : new LoadedConversation(Conversation.Initial, 0);
        if (start.Version == version)
        {
            return start;
        }

        await using var command = new NpgsqlCommand(
            $"{PostgresEventStore.SelectEvents} WHERE tenant_id = $1 AND stream_id = $2 AND version > $3 AND version <= $4 ORDER BY version",
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = start.Version });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        var events = await PostgresEventStore.ReadEventsAsync(command, cancellationToken);
        if (events.Count == 0)
        {
            return start;
        }

        var read = events.Select(ConversationEventSerializer.Deserialize).ToList();
        var loaded = new LoadedConversation(ConversationDecider.Fold(start.State, read), events[^1].Version);
        if (transaction is null)
        {
            Remember(tenantId, conversationId, loaded, read);
        }

        return loaded;
    }

    /// <summary>
    /// The newest committed state remembered, without asking the database; it may be behind when another
    /// instance appended since, which an append expecting its version finds out.
    /// </summary>
    public LoadedConversation? Known(string tenantId, string conversationId) =>
        _known.TryGetValue((tenantId, conversationId), out var known) ? known.Loaded : null;

    /// <summary>
    /// The committed events after <paramref name="afterVersion"/> up to <paramref name="upToVersion"/>, when they are
    /// among those remembered; null when any of them is not (read the stream then).
    /// </summary>
    public IReadOnlyList<ConversationEvent>? RecentBetween(string tenantId, string conversationId, long afterVersion, long upToVersion)
    {
        if (!_known.TryGetValue((tenantId, conversationId), out var known) || upToVersion > known.Loaded.Version || afterVersion > upToVersion)
        {
            return null;
        }

        var first = known.Loaded.Version - known.Recent.Length;
        if (afterVersion < first)
        {
            return null;
        }

        return known.Recent[(int)(afterVersion - first)..(int)(upToVersion - first)];
    }

    /// <summary>
    /// Records a committed state computed elsewhere (after an append commits), with the events that took the
    /// conversation there from its previous version; only ever moves an entry forward.
    /// </summary>
    public void Remember(string tenantId, string conversationId, LoadedConversation loaded, IReadOnlyList<ConversationEvent> appended)
    {
        if (_known.Count >= MaxEntries)
        {
            _known.Clear();
        }

        var fresh = new Entry(loaded, [.. appended.TakeLast(RecentEvents)]);
        _known.AddOrUpdate(
            (tenantId, conversationId),
            fresh,
            (_, existing) =>
            {
                if (existing.Loaded.Version >= loaded.Version)
                {
                    return existing;
                }

                // Events follow on from those remembered only when nothing came between.
                return existing.Loaded.Version == loaded.Version - appended.Count
                    ? new Entry(loaded, [.. existing.Recent.Concat(appended).TakeLast(RecentEvents)])
                    : fresh;
            });
    }

    /// <param name="Recent">The last events up to <see cref="LoadedConversation.Version"/>, oldest first.</param>
    private sealed record Entry(LoadedConversation Loaded, ConversationEvent[] Recent);
}
