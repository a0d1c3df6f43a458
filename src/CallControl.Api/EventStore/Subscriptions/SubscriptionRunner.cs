using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace CallControl.Api.EventStore;

/// <summary>A reader of the whole log with side effects of its own (media dispatch, webhooks, test probes).</summary>
public interface IEventSubscription
{
    /// <summary>The checkpoint's name: stable across releases, unique per subscription.</summary>
    string Name { get; }

    /// <summary>
    /// How long the runner lets appends gather before it reads them, after a wake-up or a batch that caught up
    /// with the log, so that a busy log is read in fewer, larger batches; zero (the default) reads at once.
    /// </summary>
    TimeSpan Pace => TimeSpan.Zero;

    /// <summary>
    /// Handles a batch in commit order. Rows written through the transaction that
    /// <see cref="SubscriptionBatch.BeginAsync"/> opens commit exactly when the checkpoint moves past the batch.
    /// Throwing rolls both back and the batch comes again (at-least-once).
    /// </summary>
    Task HandleAsync(SubscriptionBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Called once per term as the runner, after its first read was handled (or found nothing new): from then
    /// on every batch an earlier runner was handling has committed or rolled back. <paramref name="term"/> is
    /// cancelled when the term ends.
    /// </summary>
    void OnTermStarted(CancellationToken term)
    {
    }
}

/// <summary>
/// A batch of the log handed to a subscription, with the connection it was read on. Statements on
/// <see cref="Connection"/> commit one by one until the handler calls <see cref="BeginAsync"/>, which suits
/// reads.
/// </summary>
public sealed class SubscriptionBatch : IAsyncDisposable
{
    private List<Action>? _afterCommit;

    internal SubscriptionBatch(NpgsqlConnection connection, IReadOnlyList<StoredEvent> events)
    {
        Connection = connection;
        Events = events;
    }

    public NpgsqlConnection Connection { get; }

    public IReadOnlyList<StoredEvent> Events { get; }

    /// <summary>The batch's transaction once <see cref="BeginAsync"/> opened it; null before.</summary>
    public NpgsqlTransaction? Transaction { get; private set; }

    /// <summary>
    /// Opens (once) the transaction that moves the checkpoint past this batch: rows written through it commit
    /// exactly when the checkpoint does. A handler opens it before it writes anything, or sends anything it
    /// would rather not send again after a restart. A batch that never opens it changed nothing, so its
    /// checkpoint is written later: with the next batch that opens one, or after
    /// <see cref="SubscriptionOptions.CheckpointInterval"/>; after a crash, such batches come again.
    /// </summary>
    public async ValueTask<NpgsqlTransaction> BeginAsync(CancellationToken cancellationToken) =>
        Transaction ??= await Connection.BeginTransactionAsync(cancellationToken);

    /// <summary>Runs <paramref name="action"/> once the batch's transaction has committed (to wake whoever acts on its rows), or after the handler when it opened none.</summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    internal void Committed()
    {
        foreach (var action in _afterCommit ?? [])
        {
            action();
        }
    }

    /// <summary>Ends the transaction, if one was opened: rolled back unless it was committed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Transaction is not null)
        {
            await Transaction.DisposeAsync();
        }
    }
}

/// <summary>Limits of a subscription runner; every one explicit.</summary>
public sealed class SubscriptionOptions
{
    /// <summary>Events read and handled per transaction.</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>The longest a reader sleeps without a wake-up before it looks at the log again.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first re-read after a wake-up that found nothing (the frontier may be held by a transaction still open); it doubles up to <see cref="PollInterval"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How often a standby instance tries to become the runner.</summary>
    public TimeSpan LeadershipRetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between retries of a failing batch (it starts at one second and doubles).</summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a checkpoint past batches that opened no transaction stays unwritten (see
    /// <see cref="SubscriptionBatch.BeginAsync"/>); a runner that stops writes it at once.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Runs one subscription: it holds the subscription's advisory lock on a dedicated connection (one runner
/// across all instances; a lost connection releases it), reads events below the oldest running
/// transaction in (tx_id, seq) order so that nothing committed later can appear behind its checkpoint,
/// and moves the checkpoint by compare-and-set: in the handler's transaction when it opened one, otherwise
/// at most <see cref="SubscriptionOptions.CheckpointInterval"/> later.
/// </summary>
public sealed class SubscriptionRunner : BackgroundService
{
    private const string ReadBatch = $"""
        {PostgresEventStore.SelectEvents}
        WHERE (tx_id, seq) > ($1, $2) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY tx_id, seq
        LIMIT $3
        """;

    // Whether committed events wait behind a transaction that is still open: after a read below the frontier
    // found nothing, any event past the checkpoint is one. Asked as "the first event in commit order", so that
    // it is one index probe whatever the table's statistics say.
    private const string Blocked = """
        SELECT 1 FROM events WHERE (tx_id, seq) > ($1, $2) ORDER BY tx_id, seq LIMIT 1
        """;

    /// <summary>The slowest pace at which a reader looks again while committed events wait behind an open transaction.</summary>
    private static readonly TimeSpan BlockedRetryLimit = TimeSpan.FromMilliseconds(20);

    private readonly NpgsqlDataSource _dataSource;
    private readonly IEventSubscription _subscription;
    private readonly EventLogSignal _signal;
    private readonly SubscriptionOptions _options;
    private readonly ILogger _logger;
    private LogPosition _checkpoint;
    private LogPosition _written;
    private long _writtenAt;
    private int _isLeader;
    private long _newestHandledTicks;
    private bool _blockedByFrontier;

    public SubscriptionRunner(NpgsqlDataSource dataSource, IEventSubscription subscription, EventLogSignal signal, SubscriptionOptions options, ILogger<SubscriptionRunner> logger)
    {
        _dataSource = dataSource;
        _subscription = subscription;
        _signal = signal;
        _options = options;
        _logger = logger;
    }

    public string Name => _subscription.Name;

    /// <summary>Whether this instance currently holds the subscription's lock.</summary>
    public bool IsLeader => Volatile.Read(ref _isLeader) == 1;

    /// <summary>The position this runner has handled the log up to (its checkpoint may still be unwritten: see <see cref="SubscriptionBatch.BeginAsync"/>).</summary>
    public LogPosition Checkpoint => _checkpoint;

    /// <summary>
    /// How far behind the log this runner is: the age of the newest event it handled while events were still
    /// coming, 0 once a read finds nothing new (or while it is not the runner).
    /// </summary>
    public double LagSeconds
    {
        get
        {
            var ticks = Interlocked.Read(ref _newestHandledTicks);
            return ticks == 0 || !IsLeader ? 0 : Math.Max(0, (DateTimeOffset.UtcNow - new DateTimeOffset(ticks, TimeSpan.Zero)).TotalSeconds);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var lockConnection = await _dataSource.OpenConnectionAsync(stoppingToken);
                if (!await TryTakeLeadershipAsync(lockConnection, stoppingToken))
                {
                    await Task.Delay(_options.LeadershipRetryInterval, stoppingToken);
                    continue;
                }

                _logger.LogInformation("Subscription {Subscription} runs in this instance", Name);
                await RunAsLeaderAsync(lockConnection, stoppingToken);
                backoff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                _logger.LogWarning(ex, "Subscription {Subscription} lost its database connection; retrying in {Delay}", Name, backoff);
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                backoff = Min(backoff * 2, _options.MaxErrorBackoff);
            }
            finally
            {
                Volatile.Write(ref _isLeader, 0);
            }
        }
    }

    private async Task<bool> TryTakeLeadershipAsync(NpgsqlConnection lockConnection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended('callcontrol:subscription:' || $1, 0))", lockConnection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        var taken = await command.ExecuteScalarAsync(cancellationToken) is true;
        Volatile.Write(ref _isLeader, taken ? 1 : 0);
        return taken;
    }

    private async Task RunAsLeaderAsync(NpgsqlConnection lockConnection, CancellationToken stoppingToken)
    {
        await using (var listen = new NpgsqlCommand($"LISTEN {EventLogNotifier.Channel}", lockConnection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        lockConnection.Notification += (_, _) => _signal.NotifyLocal();
        using var leadership = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);

        // The lock connection idles in WaitAsync to receive notifications; when it breaks, the lock is
        // gone and another instance may take over, so processing stops with it.
        var pump = Task.Run(async () =>
        {
            try
            {
                while (!leadership.Token.IsCancellationRequested)
                {
                    await lockConnection.WaitAsync(leadership.Token);
                }
            }
            finally
            {
                await leadership.CancelAsync();
            }
        }, CancellationToken.None);

        try
        {
            await ProcessAsync(leadership.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Fall through: the pump ended, which says why.
        }
        finally
        {
            await leadership.CancelAsync();
            try
            {
                await pump;
            }
            catch (OperationCanceledException)
            {
                // Expected on a normal stop.
            }

            await WriteLastCheckpointAsync(lockConnection);
            await ReleaseLeadershipAsync(lockConnection);
        }
    }

    /// <summary>
    /// A pooled connection keeps session state while it idles in the pool, so the lock is released
    /// explicitly; a broken connection has lost it already.
    /// </summary>
    private async Task ReleaseLeadershipAsync(NpgsqlConnection lockConnection)
    {
        Volatile.Write(ref _isLeader, 0);
        if (lockConnection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all(); UNLISTEN *", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException ex)
        {
            _logger.LogDebug(ex, "Subscription {Subscription} could not release its lock; the closing connection will", Name);
        }
    }

    private async Task ProcessAsync(CancellationToken cancellationToken)
    {
        await LoadCheckpointAsync(cancellationToken);
        var retryDelay = _options.PollInterval;
        var blockedDelay = _options.FirstRetryDelay;
        var errorBackoff = TimeSpan.FromSeconds(1);
        var termStarted = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            var nextAppend = _signal.NextAppend();
            int handled;
            try
            {
                if (_checkpoint != _written && Stopwatch.GetElapsedTime(_writtenAt) >= _options.CheckpointInterval)
                {
                    await WriteCheckpointAsync(cancellationToken);
                }

                handled = await HandleNextBatchAsync(firstOfTerm: !termStarted, cancellationToken);
                errorBackoff = TimeSpan.FromSeconds(1);
                if (!termStarted)
                {
                    // A batch an earlier runner still had open either committed before this read's snapshot, or
                    // made this batch's checkpoint move fail after waiting for it: it is finished either way.
                    termStarted = true;
                    _subscription.OnTermStarted(cancellationToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogError(ex, "Subscription {Subscription} failed to handle the batch after {Checkpoint}; retrying in {Delay}", Name, _checkpoint, errorBackoff);
                await Task.Delay(errorBackoff, cancellationToken);
                errorBackoff = Min(errorBackoff * 2, _options.MaxErrorBackoff);
                continue;
            }

            if (handled > 0)
            {
                retryDelay = _options.FirstRetryDelay;
                blockedDelay = _options.FirstRetryDelay;
                if (handled < _options.BatchSize && _subscription.Pace > TimeSpan.Zero)
                {
                    // Caught up for now: let the next appends gather.
                    await Task.Delay(_subscription.Pace, cancellationToken);
                }

                continue;
            }

            if (_blockedByFrontier)
            {
                // Committed events wait behind an open transaction, which may end without appending anything
                // (and so without a wake-up): look again soon, backing off only to BlockedRetryLimit.
                await Task.WhenAny(nextAppend, Task.Delay(blockedDelay, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                blockedDelay = Min(blockedDelay * 2, BlockedRetryLimit);
                continue;
            }

            blockedDelay = _options.FirstRetryDelay;

            var woken = await Task.WhenAny(nextAppend, Task.Delay(retryDelay, cancellationToken)) == nextAppend;
            cancellationToken.ThrowIfCancellationRequested();
            if (woken && _subscription.Pace > TimeSpan.Zero)
            {
                await Task.Delay(_subscription.Pace, cancellationToken);
            }

            retryDelay = woken ? _options.FirstRetryDelay : Min(retryDelay * 2, _options.PollInterval);
        }
    }

    /// <summary>
    /// Reads the next batch and hands it over. The checkpoint moves in the batch's transaction when the handler
    /// opened one, and in the term's first batch, whose compare-and-set waits for a batch an earlier runner
    /// still has open; otherwise only in memory, to be written later (<see cref="WriteCheckpointAsync"/>).
    /// </summary>
    private async Task<int> HandleNextBatchAsync(bool firstOfTerm, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        List<StoredEvent> events;
        await using (var read = new NpgsqlCommand(ReadBatch, connection))
        {
            read.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = _checkpoint.TxId, NpgsqlDbType = NpgsqlDbType.Xid8 });
            read.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _checkpoint.Seq });
            read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.BatchSize });
            events = await PostgresEventStore.ReadEventsAsync(read, cancellationToken);
        }

        if (events.Count == 0)
        {
            await using var blocked = new NpgsqlCommand(Blocked, connection);
            blocked.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = _checkpoint.TxId, NpgsqlDbType = NpgsqlDbType.Xid8 });
            blocked.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _checkpoint.Seq });
            _blockedByFrontier = await blocked.ExecuteScalarAsync(cancellationToken) is not null;
            Interlocked.Exchange(ref _newestHandledTicks, 0);
            return 0;
        }

        await using var batch = new SubscriptionBatch(connection, events);
        if (firstOfTerm)
        {
            await batch.BeginAsync(cancellationToken);
        }

        await _subscription.HandleAsync(batch, cancellationToken);
        var next = events[^1].Position;
        if (batch.Transaction is { } transaction)
        {
            if (!await AdvanceAsync(connection, transaction, next, cancellationToken))
            {
                // Someone else moved the checkpoint (a runner that had not yet noticed it lost the lock):
                // drop this batch's work and continue from where they got to.
                await transaction.RollbackAsync(cancellationToken);
                await CheckpointMovedAsync(cancellationToken);
                return 0;
            }

            await transaction.CommitAsync(cancellationToken);
            Written(next);
        }

        _checkpoint = next;

        Interlocked.Exchange(ref _newestHandledTicks, events[^1].CreatedAt.UtcTicks);
        batch.Committed();
        return events.Count;
    }

    /// <summary>Writes the checkpoint that batches without a transaction of their own moved in memory.</summary>
    private async Task WriteCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var next = _checkpoint;
        if (!await AdvanceAsync(connection, null, next, cancellationToken))
        {
            await CheckpointMovedAsync(cancellationToken);
            return;
        }

        Written(next);
    }

    /// <summary>At the end of a term, while the lock is still held, writes what is unwritten; a failure only means those batches come again.</summary>
    private async Task WriteLastCheckpointAsync(NpgsqlConnection lockConnection)
    {
        if (_checkpoint == _written || lockConnection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteCheckpointAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or InvalidOperationException or TimeoutException)
        {
            _logger.LogWarning(ex, "Subscription {Subscription} could not write its checkpoint {Checkpoint}; the batches after {Written} will come again", Name, _checkpoint, _written);
        }
    }

    /// <summary>Moves the stored checkpoint from the last one written to <paramref name="next"/> by compare-and-set.</summary>
    private async Task<bool> AdvanceAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, LogPosition next, CancellationToken cancellationToken)
    {
        await using var advance = new NpgsqlCommand(
            "UPDATE subscriptions SET tx_id = $2, seq = $3, updated_at = now() WHERE name = $1 AND tx_id = $4 AND seq = $5", connection, transaction);
        advance.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        advance.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = next.TxId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        advance.Parameters.Add(new NpgsqlParameter<long> { TypedValue = next.Seq });
        advance.Parameters.Add(new NpgsqlParameter<ulong> { TypedValue = _written.TxId, NpgsqlDbType = NpgsqlDbType.Xid8 });
        advance.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _written.Seq });
        return await advance.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task CheckpointMovedAsync(CancellationToken cancellationToken)
    {
        _logger.LogWarning("Subscription {Subscription} checkpoint moved under it; reloading", Name);
        await LoadCheckpointAsync(cancellationToken);
    }

    private void Written(LogPosition position)
    {
        _written = position;
        _writtenAt = Stopwatch.GetTimestamp();
    }

    private async Task LoadCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("""
            WITH created AS (
                INSERT INTO subscriptions (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING tx_id, seq)
            SELECT tx_id, seq FROM created
            UNION ALL
            SELECT tx_id, seq FROM subscriptions WHERE name = $1
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Name });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        _checkpoint = new LogPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1));
        Written(_checkpoint);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
