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
/// <see cref="MaxEntries"/> it forgets everything and starts over.
/// </summary>
public sealed class ConversationStates
{
    public const int MaxEntries = 20_000;

    private readonly ConcurrentDictionary<(string Tenant, string Id), LoadedConversation> _known = new();

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
        var start = _known.TryGetValue(key, out var known) && known.Version <= version
            ? known
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

        var loaded = new LoadedConversation(
            ConversationDecider.Fold(start.State, events.Select(ConversationEventSerializer.Deserialize)),
            events[^1].Version);
        if (transaction is null)
        {
            Remember(tenantId, conversationId, loaded);
        }

        return loaded;
    }

    /// <summary>
    /// The newest committed state remembered, without asking the database; it may be behind when another
    /// instance appended since, which an append expecting its version finds out.
    /// </summary>
    public LoadedConversation? Known(string tenantId, string conversationId) =>
        _known.TryGetValue((tenantId, conversationId), out var known) ? known : null;

    /// <summary>Records a committed state computed elsewhere (after an append commits); only ever moves an entry forward.</summary>
    public void Remember(string tenantId, string conversationId, LoadedConversation loaded)
    {
        if (_known.Count >= MaxEntries)
        {
            _known.Clear();
        }

        _known.AddOrUpdate((tenantId, conversationId), loaded, (_, existing) => existing.Version >= loaded.Version ? existing : loaded);
    }
}
