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
    public int MaxConcurrentSends { get; set; } = 64;

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
            RETURNING l.head_id)
        SELECT d.id, d.message_id, d.event_type, d.payload, d.window_start, s.url, s.secret, d.attempts, d.subscription_id, d.lane
        FROM leased
        JOIN webhook_deliveries d ON d.id = leased.head_id
        JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
        """;

    // After an attempt: record it, then point the lane at its oldest open message. The lane row is locked by
    // its own statement first, so the head query (a later statement, a later snapshot) sees every message
    // queued by a fan-out that held the lane before us; a later fan-out sees the head we leave.
    private const string Record = """
        UPDATE webhook_deliveries
        SET status = $2, attempts = attempts + 1, last_status = $3, last_error = $4, next_attempt_at = $5,
            delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
        WHERE id = $1
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

            foreach (var delivery in claimed)
            {
                Interlocked.Increment(ref _inFlight);
                var send = SendAsync(delivery, stoppingToken);
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

    private async Task SendAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        lock (_inFlightBySubscription)
        {
            _inFlightBySubscription[delivery.SubscriptionId] = _inFlightBySubscription.GetValueOrDefault(delivery.SubscriptionId) + 1;
        }

        try
        {
            var (status, error) = await PostAsync(delivery, stoppingToken);
            await RecordAsync(delivery, status, error);
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
        {
            // The lease runs out and the message is claimed again: sent at least once.
            _logger.LogWarning(ex, "Webhook delivery {DeliveryId} outcome not recorded; it will be retried after its lease", delivery.Id);
        }
        finally
        {
            lock (_inFlightBySubscription)
            {
                var left = _inFlightBySubscription[delivery.SubscriptionId] - 1;
                if (left == 0)
                {
                    _inFlightBySubscription.Remove(delivery.SubscriptionId);
                }
                else
                {
                    _inFlightBySubscription[delivery.SubscriptionId] = left;
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

    private async Task RecordAsync(ClaimedDelivery delivery, int? status, string? error)
    {
        var now = _time.GetUtcNow();
        var attempts = delivery.Attempts + 1;
        var outcome = error is null ? "delivered" : now - delivery.WindowStart >= _options.RetryWindow ? "dead" : "failed";

        await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RelaxedCommit));
        var record = new NpgsqlBatchCommand(Record);
        record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = delivery.Id });
        record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = outcome });
        record.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = status, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        record.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = error, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        record.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + NextDelay(attempts) });
        batch.BatchCommands.Add(record);
        foreach (var sql in new[] { LockLane, AdvanceLane })
        {
            var lane = new NpgsqlBatchCommand(sql);
            lane.Parameters.Add(new NpgsqlParameter<string> { TypedValue = delivery.SubscriptionId });
            lane.Parameters.Add(new NpgsqlParameter<string> { TypedValue = delivery.Lane });
            batch.BatchCommands.Add(lane);
        }

        await batch.ExecuteNonQueryAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        _metrics.WebhookDeliveryCompleted(outcome);
        if (outcome == "dead")
        {
            _logger.LogWarning("Webhook delivery {DeliveryId} ({MessageId}) is dead after {Attempts} attempts: {Error}", delivery.Id, delivery.MessageId, attempts, error);
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
