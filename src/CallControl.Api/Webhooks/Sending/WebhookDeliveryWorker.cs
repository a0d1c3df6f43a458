using System.Net.Http.Headers;
using System.Text;
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

    private const string LockLane = "SELECT 1 FROM webhook_lanes WHERE subscription_id = $1 AND lane = $2 FOR UPDATE";

    private const string AdvanceLane = """
        UPDATE webhook_lanes l
        SET head_id = next.id, next_attempt_at = coalesce(next.next_attempt_at, now()), leased_until = NULL
        FROM (SELECT (SELECT id FROM webhook_deliveries
                      WHERE subscription_id = $1 AND lane = $2 AND status IN ('pending', 'failed')
                      ORDER BY id LIMIT 1) AS id) AS head
        LEFT JOIN webhook_deliveries next ON next.id = head.id
        WHERE l.subscription_id = $1 AND l.lane = $2
        """;

    private static readonly TimeSpan ClaimCoalescing = TimeSpan.FromMilliseconds(2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly WebhookDeliverySignal _signal;
    private readonly WebhookSigner _signer;
    private readonly HttpClient _client;
    private readonly WebhookSendingOptions _options;
    private readonly CallControlMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDeliveryWorker> _logger;
    private readonly Dictionary<string, int> _inFlightBySubscription = new(StringComparer.Ordinal);
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
    /// wait for its retry) or when half the lease is used, then records every attempt in one transaction.
    /// </summary>
    private async Task SendLaneAsync(List<ClaimedDelivery> messages, CancellationToken stoppingToken)
    {
        var subscription = messages[0].SubscriptionId;
        lock (_inFlightBySubscription)
        {
            _inFlightBySubscription[subscription] = _inFlightBySubscription.GetValueOrDefault(subscription) + 1;
        }

        var started = _time.GetTimestamp();
        var attempts = new List<(ClaimedDelivery Delivery, int? Status, string? Error)>(messages.Count);
        try
        {
            foreach (var delivery in messages)
            {
                var (status, error) = await PostAsync(delivery, stoppingToken);
                attempts.Add((delivery, status, error));
                if (error is not null || _time.GetElapsedTime(started) > _options.Lease / 2)
                {
                    break;
                }
            }

            await RecordAsync(attempts);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            // The lease runs out and the lane is claimed again: its messages are sent at least once.
            _logger.LogWarning(ex, "Outcomes of {Count} webhook deliveries not recorded; they will be sent again after the lease", attempts.Count);
        }
        finally
        {
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
            _signal.Notify();
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

    private async Task RecordAsync(List<(ClaimedDelivery Delivery, int? Status, string? Error)> attempts)
    {
        if (attempts.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var outcomes = attempts.Select(a => (a.Delivery, a.Status, a.Error,
            Outcome: a.Error is null ? "delivered" : now - a.Delivery.WindowStart >= _options.RetryWindow ? "dead" : "failed")).ToList();

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
        foreach (var sql in new[] { LockLane, AdvanceLane })
        {
            var lane = new NpgsqlBatchCommand(sql);
            lane.Parameters.Add(new NpgsqlParameter<string> { TypedValue = attempts[0].Delivery.SubscriptionId });
            lane.Parameters.Add(new NpgsqlParameter<string> { TypedValue = attempts[0].Delivery.Lane });
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

    private sealed record ClaimedDelivery(
        long Id, string MessageId, string EventType, string Payload, DateTimeOffset WindowStart, string Url, string Secret, int Attempts,
        string SubscriptionId, string Lane);
}
