using System.Text.Json;
using CallControl.Api.EventStore;
using Npgsql;

namespace CallControl.Api.Conversations;

/// <summary>One page of conversations, newest first; <c>next</c> is the <c>after</c> cursor of the following page.</summary>
public sealed record ConversationPage(
    IReadOnlyList<JsonElement> Items,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.Never)] string? Next);

/// <summary>One entry of a conversation's history (the audit log).</summary>
public sealed record HistoryEntry(long Version, string Type, DateTimeOffset OccurredAt, JsonElement Data, string? CausationId, string? CommandId);

/// <summary>Reads of the conversation read model and the log, always within one tenant.</summary>
public sealed class ConversationQueries
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresEventStore _store;

    public ConversationQueries(NpgsqlDataSource dataSource, PostgresEventStore store)
    {
        _dataSource = dataSource;
        _store = store;
    }

    /// <summary>The conversation's JSON and version, or null when this tenant has no such conversation.</summary>
    public async Task<(string View, long Version)?> FindAsync(string tenantId, string conversationId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT view::text, version FROM conversations WHERE tenant_id = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetInt64(1)) : null;
    }

    /// <summary>Keyset paging on the id (UUID v7: creation order), newest first.</summary>
    public async Task<ConversationPage> ListAsync(
        string tenantId, string? agentId, string? state, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            SELECT id, view::text FROM conversations
            WHERE tenant_id = $1
              AND ($2::text IS NULL OR $2 = ANY(agent_ids))
              AND ($3::text IS NULL OR state = $3)
              AND ($4::text IS NULL OR id < $4)
            ORDER BY id DESC
            LIMIT $5
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = agentId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = state, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = after, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        var rows = new List<(string Id, JsonElement View)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), JsonDocument.Parse(reader.GetString(1)).RootElement.Clone()));
            }
        }

        var more = rows.Count > limit;
        var page = rows.Take(limit).ToList();
        return new ConversationPage([.. page.Select(r => r.View)], more ? page[^1].Id : null);
    }

    /// <summary>The conversation's events after <paramref name="afterVersion"/>; null when there is no such conversation.</summary>
    public async Task<IReadOnlyList<HistoryEntry>?> HistoryAsync(
        string tenantId, string conversationId, long afterVersion, int limit, CancellationToken cancellationToken)
    {
        if (await _store.GetStreamVersionAsync(tenantId, conversationId, cancellationToken) is null)
        {
            return null;
        }

        var events = await _store.ReadStreamAsync(tenantId, conversationId, afterVersion, limit, cancellationToken);
        return [.. events.Select(e =>
        {
            using var data = JsonDocument.Parse(e.Data);
            var occurredAt = data.RootElement.TryGetProperty("at", out var at) && at.TryGetDateTimeOffset(out var when) ? when : e.CreatedAt;
            return new HistoryEntry(e.Version, e.Type, occurredAt, data.RootElement.Clone(), e.Metadata.CausationId, e.Metadata.CommandId);
        })];
    }
}
