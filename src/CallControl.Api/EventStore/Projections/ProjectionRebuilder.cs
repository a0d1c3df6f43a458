using Microsoft.Extensions.Logging;
using Npgsql;

namespace CallControl.Api.EventStore;

/// <summary>
/// Rebuilds an inline projection from the log while appends go on, in the order subscriptions read it
/// (transaction, then sequence), each append whole: the whole log as of one snapshot is
/// projected into fresh copies of the projection's tables, then, under an exclusive lock on the live
/// tables, the events committed since that snapshot are projected too and the rows are swapped in.
/// Appends wait only for the swap, and the live tables keep their identity (no rename, no drop).
/// </summary>
public sealed class ProjectionRebuilder
{
    private const int BatchSize = 2000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<ProjectionRebuilder> _logger;

    public ProjectionRebuilder(NpgsqlDataSource dataSource, ILogger<ProjectionRebuilder> logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    /// <summary>Rebuilds <paramref name="projection"/>; returns how many events it projected.</summary>
    public async Task<long> RebuildAsync(IInlineProjection projection, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var projected = 0L;
        string snapshot;

        await using (var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken))
        {
            foreach (var table in projection.Tables)
            {
                var copy = ProjectionTables.Rebuild[table];
                await ExecuteAsync(connection, transaction, $"DROP TABLE IF EXISTS {copy}; CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)", cancellationToken);
            }

            await using (var snap = new NpgsqlCommand("SELECT pg_current_snapshot()::text", connection, transaction))
            {
                snapshot = (string)(await snap.ExecuteScalarAsync(cancellationToken))!;
            }

            var context = new ProjectionContext(connection, transaction, ProjectionTables.Rebuild);
            var after = LogPosition.Start;
            while (true)
            {
                await using var read = new NpgsqlCommand(
                    $"{PostgresEventStore.SelectEvents} WHERE (tx_id, seq) > ($1, $2) ORDER BY tx_id, seq LIMIT $3", connection, transaction);
                read.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = after.TxId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Xid8 });
                read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Seq });
                read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = BatchSize });
                var batch = await PostgresEventStore.ReadEventsAsync(read, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                // Projections see each append whole: a transaction cut by the batch limit waits for the next read.
                var whole = batch.Count == BatchSize ? WholeTransactions(batch) : batch;
                await projection.ApplyAsync(context, whole, cancellationToken);
                projected += whole.Count;
                after = whole[^1].Position;
            }

            await transaction.CommitAsync(cancellationToken);
        }

        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            var live = string.Join(", ", projection.Tables);
            await ExecuteAsync(connection, transaction, $"LOCK TABLE {live} IN ACCESS EXCLUSIVE MODE", cancellationToken);

            // Every append that touched the live tables has now committed; the ones committed after the
            // snapshot are the tail. Appends still to come will find the swapped rows and apply themselves.
            await using (var tail = new NpgsqlCommand($"""
                {PostgresEventStore.SelectEvents}
                WHERE tx_id >= pg_snapshot_xmin($1::pg_snapshot) AND NOT pg_visible_in_snapshot(tx_id, $1::pg_snapshot)
                ORDER BY tx_id, seq
                """, connection, transaction))
            {
                tail.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot });
                var events = await PostgresEventStore.ReadEventsAsync(tail, cancellationToken);
                if (events.Count > 0)
                {
                    await projection.ApplyAsync(new ProjectionContext(connection, transaction, ProjectionTables.Rebuild), events, cancellationToken);
                    projected += events.Count;
                }
            }

            foreach (var table in projection.Tables)
            {
                var copy = ProjectionTables.Rebuild[table];
                await ExecuteAsync(connection, transaction, $"TRUNCATE {table}; INSERT INTO {table} SELECT * FROM {copy}; DROP TABLE {copy}", cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        _logger.LogInformation("Rebuilt projection {Projection} from {Count} events", projection.Name, projected);
        return projected;
    }

    private static List<StoredEvent> WholeTransactions(List<StoredEvent> batch)
    {
        var lastTx = batch[^1].TxId;
        var cut = batch.FindIndex(e => e.TxId == lastTx);
        return cut > 0 ? batch[..cut] : batch;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
