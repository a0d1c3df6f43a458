using Npgsql;

namespace CallControl.Api.Agents;

/// <summary>Agents and their stations: tenant-scoped rows, replaced whole by PUT.</summary>
public sealed class AgentRepository
{
    private const string Columns = "id, display_name, station_uri, line_appearances, auto_answer, created_at, updated_at";
    private readonly NpgsqlDataSource _dataSource;

    public AgentRepository(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>Creates or replaces the agent; <c>Created</c> tells which.</summary>
    public async Task<(AgentView Agent, bool Created)> PutAsync(string tenantId, string agentId, PutAgentRequest request, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            INSERT INTO agents (tenant_id, id, display_name, station_uri, line_appearances, auto_answer)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (tenant_id, id) DO UPDATE SET
                display_name = excluded.display_name, station_uri = excluded.station_uri,
                line_appearances = excluded.line_appearances, auto_answer = excluded.auto_answer, updated_at = now()
            RETURNING {Columns}, (xmax = 0) AS created
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.DisplayName! });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Station!.Uri! });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = request.Station.LineAppearances });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = request.AutoAnswer });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (Read(reader), reader.GetBoolean(7));
    }

    public async Task<AgentView?> FindAsync(string tenantId, string agentId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM agents WHERE tenant_id = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The agent's desk snapshot JSON, or null when the agent never had a conversation.</summary>
    public async Task<string?> FindDeskSnapshotAsync(string tenantId, string agentId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT snapshot::text FROM agent_desks WHERE tenant_id = $1 AND agent_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static AgentView Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        new StationView(reader.GetString(2), reader.GetInt32(3)),
        reader.GetBoolean(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetFieldValue<DateTimeOffset>(6));
}
