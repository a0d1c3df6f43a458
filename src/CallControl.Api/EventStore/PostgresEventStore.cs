using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace CallControl.Api.EventStore;

/// <summary>
/// What a caller's callback gets inside the append transaction. The transaction is opened in SQL, so
/// <see cref="Transaction"/> is null: commands on <see cref="Connection"/> run in it.
/// </summary>
public sealed record AppendContext(
    NpgsqlConnection Connection,
    NpgsqlTransaction? Transaction,
    string TenantId,
    string StreamId,
    string StreamType,
    IReadOnlyList<StoredEvent> Events);

/// <summary>
/// The event log on PostgreSQL. One append is one transaction: the version check, the event rows, the
/// inline projections and whatever the caller adds commit or roll back together.
/// </summary>
public sealed class PostgresEventStore
{
    private const string UniqueViolation = "23505";
    private const string NotNullViolation = "23502";

    /// <summary>Appends run again when a projection's plan turned out stale; the second plan reads what it needs.</summary>
    private const int MaxAttempts = 3;

    // The stream row is the lock that orders appends to one stream; the events insert runs only if
    // the version check let the stream row through.
    private const string ExactStream = """
        WITH s AS (
            UPDATE streams SET version = version + $3, updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND version = $8
            RETURNING version)

        """;

    // "Any" first takes a transaction-level advisory lock on the stream, which assigns no transaction id
    // (the upsert reads its row from the lock, so the lock comes first): of two appends to one stream the
    // later one then always gets the later transaction id, and subscribers, which read in transaction-id
    // order, see every stream's events in version order.
    private const string AnyStream = """
        WITH l AS MATERIALIZED (
            SELECT pg_advisory_xact_lock(hashtextextended('callcontrol:stream:' || $1 || '/' || $2, 0))),
        s AS (
            INSERT INTO streams (tenant_id, id, type, version) SELECT $1, $2, $8, $3 FROM l
            ON CONFLICT (tenant_id, id) DO UPDATE SET version = streams.version + $3, updated_at = now()
            RETURNING version)

        """;

    private const string NewStream = """
        WITH s AS (
            INSERT INTO streams (tenant_id, id, type, version) VALUES ($1, $2, $8, $3)
            ON CONFLICT (tenant_id, id) DO NOTHING
            RETURNING version)

        """;

    // When the version check stops the stream row, s is empty and the events get no version, which the table
    // refuses: the statement fails, the server skips the rest of the round trip (a commit in it included),
    // and the store rolls back and explains.
    private const string InsertMany = """
        INSERT INTO events (tenant_id, stream_id, version, id, type, data, metadata)
        SELECT $1, $2, s.version - $3 + e.ord, e.id, e.type, e.data, e.metadata
        FROM unnest($4::uuid[], $5::text[], $6::jsonb[], $7::jsonb[]) WITH ORDINALITY AS e(id, type, data, metadata, ord)
        LEFT JOIN s ON true
        RETURNING seq, version, tx_id, created_at
        """;

    // Most commands append one event: plain parameters spare building and unpacking arrays.
    private const string InsertOne = """
        INSERT INTO events (tenant_id, stream_id, version, id, type, data, metadata)
        SELECT $1, $2, s.version, $4, $5, $6, $7 FROM (SELECT 1) AS one LEFT JOIN s ON true
        RETURNING seq, version, tx_id, created_at
        """;

    private const string EventColumns = "seq, tx_id, tenant_id, stream_id, version, id, type, data, metadata, created_at";

    private static readonly JsonSerializerOptions MetadataJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly NpgsqlDataSource _dataSource;
    private readonly IReadOnlyList<IInlineProjection> _projections;
    private readonly EventLogSignal _signal;

    public PostgresEventStore(NpgsqlDataSource dataSource, IEnumerable<IInlineProjection> projections, EventLogSignal signal)
    {
        _dataSource = dataSource;
        _projections = projections.ToArray();
        _signal = signal;
    }

    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>
    /// Appends <paramref name="events"/> to the stream if it is at <paramref name="expected"/>. Inline projections
    /// and then <paramref name="inTransaction"/> run in the same transaction. Re-appending events whose ids are
    /// already in the stream changes nothing and reports <see cref="AppendResult.AlreadyAppended"/>.
    /// </summary>
    /// <exception cref="StreamConcurrencyException">The stream was at another version.</exception>
    public async Task<AppendResult> AppendAsync(
        string tenantId,
        string streamId,
        string streamType,
        ExpectedVersion expected,
        IReadOnlyList<EventToAppend> events,
        Func<AppendContext, CancellationToken, Task>? inTransaction = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(events.Count);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                if (await WriteAsync(tenantId, streamId, streamType, expected, events, inTransaction, lastAttempt: attempt == MaxAttempts, cancellationToken) is { } result)
                {
                    return result;
                }
            }
        }
        finally
        {
            // A commit adds events; a rollback may let readers past a transaction they were waiting on.
            _signal.Notify();
        }
    }

    /// <summary>One attempt at the append; null when a projection's plan was stale and the append should run again.</summary>
    private async Task<AppendResult?> WriteAsync(
        string tenantId,
        string streamId,
        string streamType,
        ExpectedVersion expected,
        IReadOnlyList<EventToAppend> events,
        Func<AppendContext, CancellationToken, Task>? inTransaction,
        bool lastAttempt,
        CancellationToken cancellationToken)
    {
        var stored = new List<StoredEvent>(events.Count);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // The transaction is opened and committed in SQL rather than through the driver's transaction object,
        // so that BEGIN goes with the events' insert and COMMIT with the projections' last writes: an append is
        // as few round trips as the projections need reads.
        var open = false;
        var plans = new IPlannedProjection?[_projections.Count];
        try
        {
            var atCommit = new List<NpgsqlBatchCommand>();
            var context = new ProjectionContext(connection, null, ProjectionTables.Live) { AtCommit = atCommit };
            var planned = Planned(tenantId, streamId, expected, events);
            if (planned is not null)
            {
                for (var i = 0; i < _projections.Count; i++)
                {
                    plans[i] = await _projections[i].PlanAsync(context, planned, cancellationToken);
                }
            }

            // When every projection planned all its writes, the commit goes with them: the append is one round trip.
            var commitAtOnce = planned is not null && inTransaction is null && plans.All(plan => plan is { IsComplete: true });

            var rows = new List<(long Seq, long Version, ulong TxId, DateTimeOffset CreatedAt)>(events.Count);
            await using (var batch = new NpgsqlBatch(connection))
            {
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                batch.BatchCommands.Add(CreateAppendCommand(tenantId, streamId, streamType, expected, events));
                foreach (var command in plans.SelectMany(plan => plan?.Commands ?? []))
                {
                    batch.BatchCommands.Add(command);
                }

                if (commitAtOnce)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                }

                open = true;
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<ulong>(2), reader.GetFieldValue<DateTimeOffset>(3)));
                }

                if (rows.Count > 0)
                {
                    foreach (var plan in plans)
                    {
                        await (plan?.ReadAsync(reader, cancellationToken) ?? Task.CompletedTask);
                    }
                }
            }

            if (commitAtOnce)
            {
                open = false;
                if (rows.Count != events.Count)
                {
                    throw new InvalidOperationException($"An append to {streamId} committed {rows.Count} of its {events.Count} events.");
                }
            }

            if (rows.Count == 0)
            {
                await EndAsync(connection, "ROLLBACK", [], cancellationToken);
                open = false;
                return await ExplainRejectedAppendAsync(tenantId, streamId, expected, events, cancellationToken);
            }

            rows.Sort((a, b) => a.Version.CompareTo(b.Version));
            for (var i = 0; i < rows.Count; i++)
            {
                var (seq, version, txId, createdAt) = rows[i];
                var source = events[i];
                stored.Add(new StoredEvent(seq, txId, tenantId, streamId, version, source.Id, source.Type, source.Data, source.Metadata, createdAt));
            }

            for (var i = 0; i < _projections.Count; i++)
            {
                await (plans[i] is { } plan ? plan.FinishAsync(cancellationToken) : _projections[i].ApplyAsync(context, stored, cancellationToken));
            }

            if (inTransaction is not null)
            {
                await inTransaction(new AppendContext(connection, null, tenantId, streamId, streamType, stored), cancellationToken);
            }

            if (!commitAtOnce)
            {
                // Should a write fail here, the server skips the COMMIT after it and the transaction stays open, failed.
                await EndAsync(connection, "COMMIT", atCommit, cancellationToken);
                open = false;
            }

            foreach (var plan in plans)
            {
                plan?.Committed();
            }

            return new AppendResult(stored[^1].Version, stored, AlreadyAppended: false);
        }
        // Every plan hears of the failure (Count, not Any), so each forgets what it assumed.
        catch (PostgresException ex) when (!lastAttempt && plans.Count(plan => plan?.IsStale(ex) == true) > 0)
        {
            await EndAsync(connection, "ROLLBACK", [], CancellationToken.None);
            open = false;
            return null;
        }
        catch (PostgresException ex) when (ex.SqlState == UniqueViolation || (ex.SqlState == NotNullViolation && ex.TableName == "events"))
        {
            await EndAsync(connection, "ROLLBACK", [], CancellationToken.None);
            open = false;
            return await ExplainRejectedAppendAsync(tenantId, streamId, expected, events, cancellationToken);
        }
        finally
        {
            if (open && connection.FullState == System.Data.ConnectionState.Open)
            {
                await RollbackQuietlyAsync(connection);
            }
        }
    }

    /// <summary>
    /// The events as the append will store them, when their versions are known before the insert (an exact
    /// version or a new stream); null for an append to whatever version the stream is at.
    /// </summary>
    private static List<StoredEvent>? Planned(string tenantId, string streamId, ExpectedVersion expected, IReadOnlyList<EventToAppend> events)
    {
        if (expected.IsAny)
        {
            return null;
        }

        // A new stream's expected version is 0.
        return [.. events.Select((e, i) => new StoredEvent(0, 0, tenantId, streamId, expected.Value + i + 1, e.Id, e.Type, e.Data, e.Metadata, default))];
    }

    /// <summary>Sends <paramref name="writes"/> and then <paramref name="end"/> (COMMIT or ROLLBACK) in one round trip.</summary>
    private static async Task EndAsync(NpgsqlConnection connection, string end, IReadOnlyList<NpgsqlBatchCommand> writes, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var write in writes)
        {
            batch.BatchCommands.Add(write);
        }

        batch.BatchCommands.Add(new NpgsqlBatchCommand(end));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Ends a transaction that failed part way; a connection that broke meanwhile is dropped by the pool.</summary>
    private static async Task RollbackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            await EndAsync(connection, "ROLLBACK", [], CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The pool resets (or discards) the connection as it takes it back.
        }
    }

    private static NpgsqlBatchCommand CreateAppendCommand(
        string tenantId,
        string streamId,
        string streamType,
        ExpectedVersion expected,
        IReadOnlyList<EventToAppend> events)
    {
        var single = events.Count == 1;
        var stream = expected.IsAny ? AnyStream : expected.IsNoStream ? NewStream : ExactStream;
        var command = new NpgsqlBatchCommand(stream + (single ? InsertOne : InsertMany));
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events.Count });
        if (single)
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = events[0].Id });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = events[0].Type });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = events[0].Data, NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SerializeMetadata(events[0].Metadata), NpgsqlDbType = NpgsqlDbType.Jsonb });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = events.Select(e => e.Id).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Type).ToArray() });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.Data).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<string[]>
            {
                TypedValue = events.Select(e => SerializeMetadata(e.Metadata)).ToArray(),
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            });
        }

        if (expected.IsAny || expected.IsNoStream)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamType });
        }
        else
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected.Value });
        }

        return command;
    }

    private static string SerializeMetadata(EventMetadata metadata) =>
        ReferenceEquals(metadata, EventMetadata.Empty) ? "{}" : JsonSerializer.Serialize(metadata, MetadataJson);

    /// <summary>
    /// The append wrote nothing: either these very events are already in the stream (a retry of an append
    /// that committed) or the stream is at another version.
    /// </summary>
    private async Task<AppendResult> ExplainRejectedAppendAsync(
        string tenantId, string streamId, ExpectedVersion expected, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken)
    {
        var ids = events.Select(e => e.Id).ToArray();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {EventColumns} FROM events WHERE id = ANY($1) ORDER BY version", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        var existing = await ReadEventsAsync(command, cancellationToken);
        if (existing.Count == events.Count && existing.All(e => e.TenantId == tenantId && e.StreamId == streamId))
        {
            return new AppendResult(existing[^1].Version, existing, AlreadyAppended: true);
        }

        var actual = await GetStreamVersionAsync(tenantId, streamId, cancellationToken) ?? 0;
        throw new StreamConcurrencyException(tenantId, streamId, expected, actual);
    }

    /// <summary>The stream's version, or null when it does not exist.</summary>
    public async Task<long?> GetStreamVersionAsync(string tenantId, string streamId, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT version FROM streams WHERE tenant_id = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    /// <summary>The stream's events after <paramref name="afterVersion"/>, in version order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(
        string tenantId, string streamId, long afterVersion = 0, int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT {EventColumns} FROM events WHERE tenant_id = $1 AND stream_id = $2 AND version > $3 ORDER BY version LIMIT $4");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = limit });
        return await ReadEventsAsync(command, cancellationToken);
    }

    /// <summary>Reads rows selected with the store's column list into events.</summary>
    internal static async Task<List<StoredEvent>> ReadEventsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    internal const string SelectEvents = $"SELECT {EventColumns} FROM events";

    internal static StoredEvent ReadEvent(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetFieldValue<ulong>(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.GetGuid(5),
        reader.GetString(6),
        reader.GetString(7),
        JsonSerializer.Deserialize<EventMetadata>(reader.GetString(8), MetadataJson) ?? EventMetadata.Empty,
        reader.GetFieldValue<DateTimeOffset>(9));
}
