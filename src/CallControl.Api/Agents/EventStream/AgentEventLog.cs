using CallControl.Api.Conversations;
using Npgsql;

namespace CallControl.Api.Agents.EventStream;

/// <summary>One stored <c>conversationUpdate</c>: its per-agent sequence and its payload as written.</summary>
public sealed record AgentEvent(long Sequence, string Payload);

/// <summary>Reads the per-agent update log that the conversation projection writes in each append transaction.</summary>
public sealed class AgentEventLog
{
    private const string SelectSequence = $"""
        SELECT COALESCE((SELECT d.sequence FROM {ConversationProjection.DesksTable} d WHERE d.tenant_id = a.tenant_id AND d.agent_id = a.id), 0)
        FROM agents a
        WHERE a.tenant_id = $1 AND a.id = $2
        """;

    private const string SelectAfter = $"""
        SELECT sequence, payload::text FROM {ConversationProjection.UpdatesTable}
        WHERE tenant_id = $1 AND agent_id = $2 AND sequence > $3
        ORDER BY sequence
        LIMIT $4
        """;

    private const string SelectSequences = $"""
        SELECT tenant_id, agent_id, sequence FROM {ConversationProjection.DesksTable}
        WHERE (tenant_id, agent_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
        """;

    private readonly NpgsqlDataSource _dataSource;

    public AgentEventLog(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>The sequence of the agent's latest update (0 before its first), or null when the tenant has no such agent.</summary>
    public async Task<long?> FindSequenceAsync(string tenantId, string agentId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(SelectSequence);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
        return await command.ExecuteScalarAsync(cancellationToken) is long sequence ? sequence : null;
    }

    /// <summary>Up to <paramref name="limit"/> updates after <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<AgentEvent>> ReadAfterAsync(string tenantId, string agentId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(SelectAfter);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<AgentEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AgentEvent(reader.GetInt64(0), reader.GetString(1)));
        }

        return events;
    }

    /// <summary>The latest sequence of each of <paramref name="agents"/> that has had an update; the others are left out.</summary>
    public async Task<IReadOnlyList<(AgentDeskKey Agent, long Sequence)>> ReadSequencesAsync(IReadOnlyCollection<AgentDeskKey> agents, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(SelectSequences);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. agents.Select(a => a.TenantId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. agents.Select(a => a.AgentId)] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sequences = new List<(AgentDeskKey, long)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sequences.Add((new AgentDeskKey(reader.GetString(0), reader.GetString(1)), reader.GetInt64(2)));
        }

        return sequences;
    }
}
