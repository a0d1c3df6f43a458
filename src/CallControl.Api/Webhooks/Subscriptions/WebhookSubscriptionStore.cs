using Npgsql;

namespace CallControl.Api.Webhooks.Subscriptions;

/// <summary>Tenant-scoped storage of webhook subscriptions. Deleting keeps the row (deliveries refer to it).</summary>
public sealed class WebhookSubscriptionStore
{
    private const string Columns = "tenant_id, id, url, events, agent_ids, secret, created_at";
    private readonly NpgsqlDataSource _dataSource;

    public WebhookSubscriptionStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public async Task<WebhookSubscription> CreateAsync(
        string tenantId, string url, IReadOnlyList<string> events, IReadOnlyList<string>? agentIds, string secret, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            INSERT INTO webhook_subscriptions (tenant_id, id, url, events, agent_ids, secret)
            VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING {Columns}
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "wh_" + Guid.CreateVersion7().ToString("N") });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = url });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events] });
        command.Parameters.Add(new NpgsqlParameter<string[]?> { TypedValue = agentIds is null ? null : [.. agentIds], NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = secret });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Read(reader);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM webhook_subscriptions WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<WebhookSubscription?> FindAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {Columns} FROM webhook_subscriptions WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        var found = await ReadAllAsync(command, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>Deletes the subscription; its undelivered messages die with it. False when there was none.</summary>
    public async Task<bool> DeleteAsync(string tenantId, string id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            WITH gone AS (
                UPDATE webhook_subscriptions SET deleted_at = now()
                WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL
                RETURNING id)
            , dropped AS (
                UPDATE webhook_deliveries SET status = 'dead', last_error = 'subscription deleted'
                WHERE subscription_id IN (SELECT id FROM gone) AND status IN ('pending', 'failed'))
            SELECT count(*) FROM gone
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        return await command.ExecuteScalarAsync(cancellationToken) is long deleted && deleted > 0;
    }

    /// <summary>The live subscriptions of the given tenants, read on the caller's connection (inside its transaction, if any).</summary>
    public static async Task<ILookup<string, WebhookSubscription>> ForTenantsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<string> tenants, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM webhook_subscriptions WHERE tenant_id = ANY($1) AND deleted_at IS NULL", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. tenants] });
        return (await ReadAllAsync(command, cancellationToken)).ToLookup(s => s.TenantId);
    }

    private static async Task<List<WebhookSubscription>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var all = new List<WebhookSubscription>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            all.Add(Read(reader));
        }

        return all;
    }

    private static WebhookSubscription Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetFieldValue<string[]>(3),
        reader.IsDBNull(4) ? null : reader.GetFieldValue<string[]>(4),
        reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6));
}
