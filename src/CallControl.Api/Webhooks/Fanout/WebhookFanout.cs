using System.Buffers;
using System.Text;
using System.Text.Json;
using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Api.Webhooks.Sending;
using CallControl.Api.Webhooks.Subscriptions;
using Npgsql;

namespace CallControl.Api.Webhooks.Fanout;

/// <summary>
/// Turns the log into webhook deliveries: for each append, the contract's event messages for the
/// conversation's subscribers (one lane per conversation) and each affected agent's conversationUpdate (one
/// lane per agent, from the desk updates the append made). Rows are written with the subscription's
/// checkpoint, so each message is queued exactly once whatever restarts. Once committed, they are handed
/// to this instance's <see cref="WebhookSender"/>, whose terms follow this subscription's.
/// </summary>
public sealed class WebhookFanout : IEventSubscription
{
    private static readonly HashSet<string> ConversationEventTypes = [.. ConversationEventSerializer.TypeNames];
    private readonly WebhookSender _sender;

    public WebhookFanout(WebhookSender sender) => _sender = sender;

    public string Name => "webhook-fanout";

    public void OnTermStarted(CancellationToken term) => _sender.BeginTerm(term);

    public async Task HandleAsync(SubscriptionBatch batch, CancellationToken cancellationToken)
    {
        var events = batch.Events.Where(e => ConversationEventTypes.Contains(e.Type)).ToList();
        if (events.Count == 0)
        {
            return;
        }

        var subscriptions = await WebhookSubscriptionStore.ForTenantsAsync(
            batch.Connection, batch.Transaction, [.. events.Select(e => e.TenantId).Distinct()], cancellationToken);
        var appends = Appends.Of(events).Where(append => subscriptions[append[0].TenantId].Any()).ToList();
        if (appends.Count == 0)
        {
            return;
        }

        var updates = appends.Any(append => subscriptions[append[0].TenantId].Any(s => s.Wants(WebhookEventTypes.ConversationUpdate)))
            ? await DeskUpdatesAsync(batch, appends, cancellationToken)
            : Array.Empty<DeskUpdate>().ToLookup(u => (u.TenantId, u.ConversationId, u.ConversationVersion));
        var deliveries = new List<NewDelivery>();
        foreach (var append in appends)
        {
            await FanOutAsync(batch, append, [.. subscriptions[append[0].TenantId]], updates, deliveries, cancellationToken);
        }

        if (deliveries.Count > 0)
        {
            var queued = await InsertAsync(batch, deliveries, cancellationToken);
            batch.AfterCommit(() => _sender.Accept(queued));
        }
    }

    private static async Task FanOutAsync(
        SubscriptionBatch batch,
        List<StoredEvent> append,
        List<WebhookSubscription> subscriptions,
        ILookup<(string Tenant, string Conversation, long Version), DeskUpdate> updates,
        List<NewDelivery> deliveries,
        CancellationToken cancellationToken)
    {
        var tenant = append[0].TenantId;
        var conversationId = append[0].StreamId;
        IReadOnlyList<string> agents = subscriptions.Any(s => s.AgentIds is not null)
            ? await AgentsOfAsync(batch, tenant, conversationId, cancellationToken)
            : [];

        foreach (var stored in append)
        {
            if (WebhookEventTypes.Of(ConversationEventSerializer.Deserialize(stored)) is not { } kind)
            {
                continue;
            }

            string? payload = null;
            foreach (var subscription in subscriptions.Where(s => s.Wants(kind.Type) && s.Covers(agents)))
            {
                payload ??= EventPayload(stored, kind.Type, kind.Participant?.Value);
                deliveries.Add(new NewDelivery(tenant, subscription, "evt_" + stored.Id.ToString("N"), kind.Type, "conversation:" + conversationId, payload, null, null, payload));
            }
        }

        if (!subscriptions.Any(s => s.Wants(WebhookEventTypes.ConversationUpdate)))
        {
            return;
        }

        foreach (var update in updates[(tenant, conversationId, append[^1].Version)])
        {
            var messageId = $"cu_{update.AgentId}_{update.Sequence}";
            foreach (var subscription in subscriptions.Where(s => s.Wants(WebhookEventTypes.ConversationUpdate) && s.Covers([update.AgentId])))
            {
                deliveries.Add(new NewDelivery(
                    tenant, subscription, messageId, WebhookEventTypes.ConversationUpdate, "agent:" + update.AgentId, null, update.AgentId, update.Sequence, update.Payload));
            }
        }
    }

    /// <summary>The desk updates every append of the batch made, read in one query.</summary>
    private static async Task<ILookup<(string Tenant, string Conversation, long Version), DeskUpdate>> DeskUpdatesAsync(
        SubscriptionBatch batch, List<List<StoredEvent>> appends, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT u.tenant_id, u.conversation_id, u.conversation_version, u.agent_id, u.sequence, u.payload::text
            FROM unnest($1::text[], $2::text[], $3::bigint[]) AS a(tenant_id, conversation_id, conversation_version)
            JOIN agent_desk_updates u USING (tenant_id, conversation_id, conversation_version)
            ORDER BY u.agent_id, u.sequence
            """, batch.Connection, batch.Transaction);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. appends.Select(a => a[0].TenantId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. appends.Select(a => a[0].StreamId)] });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. appends.Select(a => a[^1].Version)] });
        var updates = new List<DeskUpdate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            updates.Add(new DeskUpdate(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5)));
        }

        return updates.ToLookup(u => (u.TenantId, u.ConversationId, u.ConversationVersion));
    }

    private static async Task<IReadOnlyList<string>> AgentsOfAsync(SubscriptionBatch batch, string tenant, string conversationId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT agent_ids FROM conversations WHERE tenant_id = $1 AND id = $2", batch.Connection, batch.Transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        return await command.ExecuteScalarAsync(cancellationToken) as string[] ?? [];
    }

    /// <summary>The contract's event payload: <c>{type, conversationId, version, occurredAt, participantId?, data}</c>.</summary>
    private static string EventPayload(StoredEvent stored, string type, string? participantId)
    {
        using var data = JsonDocument.Parse(stored.Data);
        var occurredAt = data.RootElement.TryGetProperty("at", out var at) ? at.GetString() : stored.CreatedAt.ToString("O");
        var buffer = new ArrayBufferWriter<byte>(stored.Data.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteString("conversationId", stored.StreamId);
            writer.WriteNumber("version", stored.Version);
            writer.WriteString("occurredAt", occurredAt);
            if (participantId is not null)
            {
                writer.WriteString("participantId", participantId);
            }

            writer.WritePropertyName("data");
            data.RootElement.WriteTo(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Inserts the deliveries (skipping any queued already) and returns the new ones, ready to send.</summary>
    private async Task<List<QueuedDelivery>> InsertAsync(SubscriptionBatch batch, List<NewDelivery> deliveries, CancellationToken cancellationToken)
    {
        // Queued messages can be queued again from the log if a crash loses them (the checkpoint goes with them,
        // and the insert skips what exists), so this commit need not wait for the disk.
        await using var statements = new NpgsqlBatch(batch.Connection, await batch.BeginAsync(cancellationToken));
        statements.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
        var command = new NpgsqlBatchCommand("""
            INSERT INTO webhook_deliveries (tenant_id, subscription_id, message_id, event_type, lane, payload, desk_agent_id, desk_sequence)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
            ON CONFLICT (subscription_id, message_id) DO NOTHING
            RETURNING id, subscription_id, message_id, window_start
            """);
        statements.BatchCommands.Add(command);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deliveries.Select(d => d.TenantId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deliveries.Select(d => d.Subscription.Id)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deliveries.Select(d => d.MessageId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deliveries.Select(d => d.EventType)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. deliveries.Select(d => d.Lane)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. deliveries.Select(d => d.Payload)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. deliveries.Select(d => d.DeskAgentId)] });
        command.Parameters.Add(new NpgsqlParameter<long?[]> { TypedValue = [.. deliveries.Select(d => d.DeskSequence)] });
        var byKey = deliveries.ToDictionary(d => (d.Subscription.Id, d.MessageId));
        var queued = new List<QueuedDelivery>(deliveries.Count);

        // Every subscriber of a message shares its payload string: it is encoded once, not once per subscriber.
        var bodies = new Dictionary<string, byte[]>(ReferenceEqualityComparer.Instance);
        await using var reader = await statements.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var delivery = byKey[(reader.GetString(1), reader.GetString(2))];
            var windowStart = reader.GetFieldValue<DateTimeOffset>(3);
            queued.Add(new QueuedDelivery(
                reader.GetInt64(0),
                delivery.Lane,
                delivery.MessageId,
                Body(bodies, delivery.Body),
                windowStart,
                0,
                windowStart,
                _sender.Target(delivery.Subscription.Id, delivery.Subscription.Url, delivery.Subscription.Secret)));
        }

        queued.Sort((a, b) => a.Id.CompareTo(b.Id));
        return queued;
    }

    private static byte[] Body(Dictionary<string, byte[]> bodies, string payload)
    {
        if (!bodies.TryGetValue(payload, out var bytes))
        {
            bodies[payload] = bytes = Encoding.UTF8.GetBytes(payload);
        }

        return bytes;
    }

    private sealed record DeskUpdate(string TenantId, string ConversationId, long ConversationVersion, string AgentId, long Sequence, string Payload);

    /// <summary>A message to queue: <see cref="Payload"/> is stored (event messages), <see cref="Body"/> is what is sent.</summary>
    private sealed record NewDelivery(
        string TenantId,
        WebhookSubscription Subscription,
        string MessageId,
        string EventType,
        string Lane,
        string? Payload,
        string? DeskAgentId,
        long? DeskSequence,
        string Body);
}
