using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using CallControl.Api.Observability.Metrics;
using CallControl.Api.Webhooks.Delivery;
using CallControl.Api.Webhooks.Fanout;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallControl.Api.Webhooks.Sending;

/// <summary>Limits of webhook sending, bound from the <c>Webhooks</c> section; every one explicit.</summary>
public sealed class WebhookSendingOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>How long a message is retried before it is <c>dead</c> (the contract: at least 24 h).</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The first retry's delay; it doubles per attempt, with ±20 % jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sends in flight from this instance at once, over all subscriptions.</summary>
    public int MaxConcurrentSends { get; set; } = 128;

    /// <summary>
    /// Messages of one lane sent one after the other under a single claim (each only after the one before it
    /// was accepted), so a busy lane costs the database one claim and one record per run, not per message.
    /// </summary>
    public int MessagesPerClaim { get; set; } = 20;

    /// <summary>Sends in flight to one subscription at once, so a slow receiver cannot take every slot.</summary>
    public int MaxInFlightPerSubscription { get; set; } = 16;

    /// <summary>How long a claimed message is reserved for this instance (longer than a send's 10 s timeout).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest the worker sleeps without a wake-up (messages queued by other instances, retries coming due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Sends queued webhook messages: only each lane's head (a subscription's agent or conversation, its oldest
/// message not yet delivered or dead) is sent, so a later message waits while an earlier one is retried;
/// lanes, and so subscriptions, proceed in parallel, the longest-due first. Claims are leases on lanes in the
/// database, so several instances share the work and a crashed instance's lanes are sent again after the lease
/// (at-least-once; receivers dedupe on <c>webhook-id</c>).
/// </summary>
public sealed class WebhookDeliveryWorker : BackgroundService
{
    // Due lanes, oldest due first; the lease keeps other instances off the lane while its head is sent.
    private const string Claim = """
        WITH picked AS (
            SELECT subscription_id, lane FROM webhook_lanes
            WHERE head_id IS NOT NULL AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())
              AND NOT (subscription_id = ANY($3))
            ORDER BY next_attempt_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED),
        leased AS (
            UPDATE webhook_lanes l SET leased_until = now() + $2
            FROM picked
            WHERE l.subscription_id = picked.subscription_id AND l.lane = picked.lane
            RETURNING l.subscription_id, l.lane, l.head_id)
        SELECT d.id, d.message_id, d.event_type, coalesce(d.payload, u.payload::text), d.window_start, s.url, s.secret, d.attempts,
               d.subscription_id, d.lane
        FROM leased
        CROSS JOIN LATERAL (
            SELECT * FROM webhook_deliveries
            WHERE subscription_id = leased.subscription_id AND lane = leased.lane AND status IN ('pending', 'failed') AND id >= leased.head_id
            ORDER BY id
            LIMIT $4) d
        JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
        LEFT JOIN agent_desk_updates u ON u.tenant_id = d.tenant_id AND u.agent_id = d.desk_agent_id AND u.sequence = d.desk_sequence
        ORDER BY d.subscription_id, d.lane, d.id
        """;

    // After an attempt: record it, then point the lane at its oldest open message. The lane row is locked by
    // its own statement first, so the head query (a later statement, a later snapshot) sees every message
    // queued by a fan-out that held the lane before us; a later fan-out sees the head we leave.
    private const string Record = """
        UPDATE webhook_deliveries d
        SET status = o.status, attempts = d.attempts + 1, last_status = o.last_status, last_error = o.last_error,
            next_attempt_at = o.next_attempt_at, delivered_at = CASE WHEN o.status = 'delivered' THEN now() ELSE d.delivered_at END
        FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::timestamptz[]) AS o(id, status, last_status, last_error, next_attempt_at)
        WHERE d.id = o.id
        """;

    // Leases and outcomes need no flush to disk before the next send: lost in a crash, they only mean a
    // message is sent again, which at-least-once delivery allows. That halves the disk waits per message.
    private const string RelaxedCommit = "SET LOCAL synchronous_commit = off";

    private const string LockLanes = """
        SELECT 1 FROM webhook_lanes l
        JOIN unnest($1::text[], $2::text[]) AS t(subscription_id, lane) USING (subscription_id, lane)
        ORDER BY l.subscription_id, l.lane
        FOR UPDATE OF l
        """;

    private const string AdvanceLanes = """
        UPDATE webhook_lanes l
        SET head_id = head.id, next_attempt_at = coalesce(head.next_attempt_at, now()), leased_until = NULL
        FROM unnest($1::text[], $2::text[]) AS t(subscription_id, lane)
        LEFT JOIN LATERAL (
            SELECT id, next_attempt_at FROM webhook_deliveries d
            WHERE d.subscription_id = t.subscription_id AND d.lane = t.lane AND d.status IN ('pending', 'failed')
            ORDER BY id
            LIMIT 1) head ON true
        WHERE l.subscription_id = t.subscription_id AND l.lane = t.lane
        """;

    private static readonly TimeSpan ClaimCoalescing = TimeSpan.FromMilliseconds(2);

    /// <summary>Outcome writes in flight at once.</summary>
    private const int RecordWriters = 4;

    private readonly NpgsqlDataSource _dataSource;
    private readonly WebhookDeliverySignal _signal;
    private readonly WebhookSigner _signer;
    private readonly HttpClient _client;
    private readonly WebhookSendingOptions _options;
    private readonly CallControlMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDeliveryWorker> _logger;
    private readonly Dictionary<string, int> _inFlightBySubscription = new(StringComparer.Ordinal);

    // Finished lanes queue their attempts here; one recorder writes whatever has gathered in one transaction.
    private readonly Channel<List<Attempt>> _outcomes = Channel.CreateUnbounded<List<Attempt>>(new UnboundedChannelOptions { SingleReader = true });
    private int _inFlight;

    public WebhookDeliveryWorker(
        NpgsqlDataSource dataSource,
        WebhookDeliverySignal signal,
        WebhookSigner signer,
        DestinationPolicy destinations,
        IOptions<WebhookSendingOptions> options,
        CallControlMetrics metrics,
        TimeProvider time,
        ILogger<WebhookDeliveryWorker> logger)
    {
        _dataSource = dataSource;
        _signal = signal;
        _signer = signer;
        _client = destinations.CreateClient();
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recorder = Task.Run(RecordLoopAsync, CancellationToken.None);
        var sends = new HashSet<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _signal.Next();
            if (Volatile.Read(ref _inFlight) > _options.MaxConcurrentSends * 3 / 4)
            {
                // Nearly full: let a few more lanes finish so that one claim starts several, not one each.
                await Task.Delay(ClaimCoalescing, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            var free = _options.MaxConcurrentSends - Volatile.Read(ref _inFlight);
            IReadOnlyList<ClaimedDelivery> claimed = [];
            if (free > 0)
            {
                try
                {
                    claimed = await ClaimAsync(free, stoppingToken);
                }
                catch (NpgsqlException ex)
                {
                    _logger.LogWarning(ex, "Could not claim webhook deliveries; retrying");
                }
            }

            foreach (var lane in claimed.GroupBy(d => (d.SubscriptionId, d.Lane)))
            {
                Interlocked.Increment(ref _inFlight);
                var send = SendLaneAsync([.. lane], stoppingToken);
                lock (sends)
                {
                    sends.Add(send);
                }

                _ = send.ContinueWith(
                    done =>
                    {
                        lock (sends)
                        {
                            sends.Remove(done);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            if (claimed.Count == 0 || Volatile.Read(ref _inFlight) >= _options.MaxConcurrentSends)
            {
                await Task.WhenAny(wake, Task.Delay(_options.PollInterval, stoppingToken));
            }
        }

        Task[] remaining;
        lock (sends)
        {
            remaining = [.. sends];
        }

        await Task.WhenAll(remaining).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _outcomes.Writer.TryComplete();
        await recorder;
    }

    /// <summary>
    /// Writes finished lanes' attempts, as many as have gathered, with up to <see cref="RecordWriters"/> writes
    /// at once (each lane is in one write only, and writes lock lanes in one order, so they never deadlock).
    /// </summary>
    private async Task RecordLoopAsync()
    {
        const int MaxLanesPerWrite = 256;
        using var writers = new SemaphoreSlim(RecordWriters);
        var writes = new List<Task>();
        while (await _outcomes.Reader.WaitToReadAsync())
        {
            await writers.WaitAsync();
            var lanes = new List<List<Attempt>>();
            while (lanes.Count < MaxLanesPerWrite && _outcomes.Reader.TryRead(out var lane))
            {
                lanes.Add(lane);
            }

            if (lanes.Count == 0)
            {
                writers.Release();
                continue;
            }

            writes.RemoveAll(write => write.IsCompleted);
            writes.Add(Task.Run(async () =>
            {
                try
                {
                    await RecordAsync(lanes);
                }
                catch (NpgsqlException ex)
                {
                    // Their leases run out and the lanes are claimed again: the messages are sent at least once.
                    _logger.LogWarning(ex, "Outcomes of {Count} webhook lanes not recorded; they will be sent again after the lease", lanes.Count);
                }
                finally
                {
                    writers.Release();
                    _signal.Notify();
                }
            }));
        }

        await Task.WhenAll(writes);
    }

    private async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var relaxed = new NpgsqlCommand(RelaxedCommit, connection, transaction))
        {
            await relaxed.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var command = new NpgsqlCommand(Claim, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = _options.Lease });
        string[] saturated;
        lock (_inFlightBySubscription)
        {
            saturated = [.. _inFlightBySubscription.Where(pair => pair.Value >= _options.MaxInFlightPerSubscription).Select(pair => pair.Key)];
        }

        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = saturated });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.MessagesPerClaim });
        var claimed = new List<ClaimedDelivery>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new ClaimedDelivery(
                    reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), reader.GetString(6), reader.GetInt32(7),
                    reader.GetString(8), reader.GetString(9)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>
    /// Sends a lane's claimed messages in order, stopping at the first that is not accepted (its successors
    /// wait for its retry) or when half the lease is used, then hands the attempts to the recorder.
    /// </summary>
    private async Task SendLaneAsync(List<ClaimedDelivery> messages, CancellationToken stoppingToken)
    {
        var subscription = messages[0].SubscriptionId;
        lock (_inFlightBySubscription)
        {
            _inFlightBySubscription[subscription] = _inFlightBySubscription.GetValueOrDefault(subscription) + 1;
        }

        var started = _time.GetTimestamp();
        var attempts = new List<Attempt>(messages.Count);
        try
        {
            foreach (var delivery in messages)
            {
                var (status, error) = await PostAsync(delivery, stoppingToken);
                attempts.Add(new Attempt(delivery, status, error));
                if (error is not null || _time.GetElapsedTime(started) > _options.Lease / 2)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what was sent is still recorded below; the rest waits for the next start.
        }
        finally
        {
            if (attempts.Count > 0)
            {
                _outcomes.Writer.TryWrite(attempts);
            }

            lock (_inFlightBySubscription)
            {
                var left = _inFlightBySubscription[subscription] - 1;
                if (left == 0)
                {
                    _inFlightBySubscription.Remove(subscription);
                }
                else
                {
                    _inFlightBySubscription[subscription] = left;
                }
            }

            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<(int? Status, string? Error)> PostAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        if (!WebhookSecret.TryParse(delivery.Secret, out var secret, out var secretError))
        {
            return (null, secretError);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        _signer.Sign(delivery.MessageId, body, secret).ApplyTo(request.Headers);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
            var status = (int)response.StatusCode;
            return (status, status is >= 200 and <= 299 ? null : $"HTTP {status} {response.ReasonPhrase}");
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.Message);
        }
        catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (null, $"no response within {DestinationPolicy.RequestTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// Records every attempt of the given lanes and points each lane at its oldest open message, in one
    /// transaction. The lanes are locked by their own statement first, so the head query (a later statement,
    /// a later snapshot) sees every message queued by a fan-out that held a lane before; a later fan-out sees
    /// the heads left here.
    /// </summary>
    private async Task RecordAsync(List<List<Attempt>> lanes)
    {
        var now = _time.GetUtcNow();
        var attempts = lanes.SelectMany(lane => lane).ToList();
        var outcomes = attempts.Select(a => (a.Delivery, a.Status, a.Error,
            Outcome: a.Error is null ? "delivered" : now - a.Delivery.WindowStart >= _options.RetryWindow ? "dead" : "failed")).ToList();
        var laneKeys = lanes.Select(lane => (lane[0].Delivery.SubscriptionId, lane[0].Delivery.Lane)).Distinct().ToList();

        await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RelaxedCommit));
        var record = new NpgsqlBatchCommand(Record);
        record.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. outcomes.Select(o => o.Delivery.Id)] });
        record.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. outcomes.Select(o => o.Outcome)] });
        record.Parameters.Add(new NpgsqlParameter<int?[]> { TypedValue = [.. outcomes.Select(o => o.Status)] });
        record.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. outcomes.Select(o => o.Error)] });
        record.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. outcomes.Select(o => now + NextDelay(o.Delivery.Attempts + 1))] });
        batch.BatchCommands.Add(record);
        foreach (var sql in new[] { LockLanes, AdvanceLanes })
        {
            var lane = new NpgsqlBatchCommand(sql);
            lane.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. laneKeys.Select(k => k.SubscriptionId)] });
            lane.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. laneKeys.Select(k => k.Lane)] });
            batch.BatchCommands.Add(lane);
        }

        await batch.ExecuteNonQueryAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        foreach (var outcome in outcomes)
        {
            _metrics.WebhookDeliveryCompleted(outcome.Outcome);
            if (outcome.Outcome == "dead")
            {
                _logger.LogWarning("Webhook delivery {DeliveryId} ({MessageId}) is dead after {Attempts} attempts: {Error}",
                    outcome.Delivery.Id, outcome.Delivery.MessageId, outcome.Delivery.Attempts + 1, outcome.Error);
            }
        }
    }

    /// <summary>≈ first delay × 2^(attempts − 1), capped, times a random factor in [0.8, 1.2) so receivers are not hit in waves.</summary>
    private TimeSpan NextDelay(int attempts)
    {
        var doubled = _options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        var capped = Math.Min(doubled, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    private sealed record Attempt(ClaimedDelivery Delivery, int? Status, string? Error);

    private sealed record ClaimedDelivery(
        long Id, string MessageId, string EventType, string Payload, DateTimeOffset WindowStart, string Url, string Secret, int Attempts,
        string SubscriptionId, string Lane);
}
