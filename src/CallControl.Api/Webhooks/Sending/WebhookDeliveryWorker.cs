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

    /// <summary>Lanes of one subscription started per claim, so one slow receiver cannot take every slot.</summary>
    public int MaxClaimsPerSubscription { get; set; } = 8;

    /// <summary>How long a claimed message is reserved for this instance (longer than a send's 10 s timeout).</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest the worker sleeps without a wake-up (messages queued by other instances, retries coming due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Sends queued webhook messages: only the oldest undelivered message of each lane (a subscription's agent or
/// conversation) is eligible, so a later message waits while an earlier one is retried; lanes, and so
/// subscriptions, proceed in parallel. Claims are leases in the database, so several instances share the work
/// and a crashed instance's messages are sent again after the lease (at-least-once; receivers dedupe on
/// <c>webhook-id</c>).
/// </summary>
public sealed class WebhookDeliveryWorker : BackgroundService
{
    private const string Claim = """
        WITH heads AS (
            SELECT DISTINCT ON (subscription_id, lane) id, subscription_id, next_attempt_at, leased_until
            FROM webhook_deliveries
            WHERE status IN ('pending', 'failed')
            ORDER BY subscription_id, lane, id),
        due AS (
            SELECT id, row_number() OVER (PARTITION BY subscription_id ORDER BY next_attempt_at, id) AS rank
            FROM heads
            WHERE next_attempt_at <= now() AND (leased_until IS NULL OR leased_until < now())),
        picked AS (
            SELECT d.id FROM webhook_deliveries d JOIN due ON due.id = d.id
            WHERE due.rank <= $2
            ORDER BY d.next_attempt_at, d.id
            LIMIT $1
            FOR UPDATE OF d SKIP LOCKED)
        UPDATE webhook_deliveries d SET leased_until = now() + $3
        FROM picked, webhook_subscriptions s
        WHERE d.id = picked.id AND s.tenant_id = d.tenant_id AND s.id = d.subscription_id
        RETURNING d.id, d.message_id, d.event_type, d.payload, d.window_start, s.url, s.secret, d.attempts
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly WebhookDeliverySignal _signal;
    private readonly WebhookSigner _signer;
    private readonly HttpClient _client;
    private readonly WebhookSendingOptions _options;
    private readonly CallControlMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDeliveryWorker> _logger;
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
        await using var command = _dataSource.CreateCommand(Claim);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.MaxClaimsPerSubscription });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = _options.Lease });
        var claimed = new List<ClaimedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new ClaimedDelivery(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetString(5), reader.GetString(6), reader.GetInt32(7)));
        }

        return claimed;
    }

    private async Task SendAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
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
        string outcome;
        await using var command = _dataSource.CreateCommand("""
            UPDATE webhook_deliveries
            SET status = $2, attempts = attempts + 1, last_status = $3, last_error = $4, leased_until = NULL,
                next_attempt_at = $5, delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END
            WHERE id = $1
            """);
        if (error is null)
        {
            outcome = "delivered";
        }
        else if (now - delivery.WindowStart >= _options.RetryWindow)
        {
            outcome = "dead";
        }
        else
        {
            outcome = "failed";
        }

        var attempts = delivery.Attempts + 1;
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = delivery.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = outcome });
        command.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = status, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = error, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now + NextDelay(attempts) });
        await command.ExecuteNonQueryAsync(CancellationToken.None);
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
        long Id, string MessageId, string EventType, string Payload, DateTimeOffset WindowStart, string Url, string Secret, int Attempts);
}
