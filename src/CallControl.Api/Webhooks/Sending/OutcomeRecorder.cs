using System.Threading.Channels;
using Npgsql;

namespace CallControl.Api.Webhooks.Sending;

/// <summary>One attempt's result as the delivery row keeps it.</summary>
public sealed record DeliveryOutcome(
    long Id, string Status, int Attempts, int? LastStatus, string? LastError, DateTimeOffset? NextAttemptAt, DateTimeOffset At);

/// <summary>
/// Writes attempt outcomes to the delivery rows in the background, as many as have gathered per statement.
/// Nothing waits for these writes: the sender's memory decides what is sent next, and a crash before a write
/// only means a message is sent again (at-least-once). A write that fails is tried again.
/// </summary>
public sealed class OutcomeRecorder
{
    private const int MaxPerWrite = 2_000;

    // A row only moves forward: an older attempt's write never undoes a newer one, and a message dead because
    // its subscription was deleted stays dead.
    private const string Record = """
        UPDATE webhook_deliveries d
        SET status = o.status, attempts = o.attempts, last_status = o.last_status, last_error = o.last_error,
            next_attempt_at = coalesce(o.next_attempt_at, d.next_attempt_at),
            delivered_at = CASE WHEN o.status = 'delivered' THEN o.at ELSE d.delivered_at END
        FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::text[], $6::timestamptz[], $7::timestamptz[])
            AS o(id, status, attempts, last_status, last_error, next_attempt_at, at)
        WHERE d.id = o.id AND d.attempts < o.attempts AND d.status IN ('pending', 'failed')
        """;

    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How long outcomes gather after the first before a write, so that a write carries many.</summary>
    private static readonly TimeSpan Gathering = TimeSpan.FromMilliseconds(50);

    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly Channel<DeliveryOutcome> _outcomes = Channel.CreateUnbounded<DeliveryOutcome>(new UnboundedChannelOptions { SingleReader = true });

    public OutcomeRecorder(NpgsqlDataSource dataSource, ILogger logger)
    {
        _dataSource = dataSource;
        _logger = logger;
    }

    public void Add(DeliveryOutcome outcome) => _outcomes.Writer.TryWrite(outcome);

    /// <summary>Takes no more outcomes; <see cref="RunAsync"/> ends once the ones taken are written (or the stop token fires).</summary>
    public void Complete() => _outcomes.Writer.TryComplete();

    public async Task RunAsync(CancellationToken abandon)
    {
        var pending = new Dictionary<long, DeliveryOutcome>();
        while (await WaitAsync(pending.Count > 0, abandon))
        {
            if (pending.Count == 0 && !_outcomes.Reader.Completion.IsCompleted)
            {
                await Task.Delay(Gathering, abandon).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            while (pending.Count < MaxPerWrite && _outcomes.Reader.TryRead(out var outcome))
            {
                // One row per statement: the newest attempt of a message wins.
                if (!pending.TryGetValue(outcome.Id, out var earlier) || earlier.Attempts < outcome.Attempts)
                {
                    pending[outcome.Id] = outcome;
                }
            }

            try
            {
                await WriteAsync(pending.Values, abandon);
                pending.Clear();
            }
            catch (NpgsqlException ex)
            {
                _logger.LogWarning(ex, "Could not record {Count} webhook attempts; trying again in {Delay}", pending.Count, RetryDelay);
                await Task.Delay(RetryDelay, abandon).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (OperationCanceledException) when (abandon.IsCancellationRequested)
            {
                break;
            }
        }

        if (pending.Count > 0 || _outcomes.Reader.TryPeek(out _))
        {
            _logger.LogWarning("Stopped with webhook attempts unrecorded; those messages will be sent again");
        }
    }

    private async Task<bool> WaitAsync(bool havePending, CancellationToken abandon)
    {
        if (havePending)
        {
            return !abandon.IsCancellationRequested;
        }

        try
        {
            return await _outcomes.Reader.WaitToReadAsync(abandon);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WriteAsync(ICollection<DeliveryOutcome> outcomes, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        // Outcomes need no flush to disk before the next send: lost in a crash, they only mean a message is sent
        // again, which at-least-once delivery allows.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
        var record = new NpgsqlBatchCommand(Record);
        record.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. outcomes.Select(o => o.Id)] });
        record.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. outcomes.Select(o => o.Status)] });
        record.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. outcomes.Select(o => o.Attempts)] });
        record.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = [.. outcomes.Select(o => o.LastStatus)] });
        record.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. outcomes.Select(o => o.LastError)] });
        record.Parameters.Add(new NpgsqlParameter<DateTimeOffset?[]> { TypedValue = [.. outcomes.Select(o => o.NextAttemptAt)] });
        record.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. outcomes.Select(o => o.At)] });
        batch.BatchCommands.Add(record);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
