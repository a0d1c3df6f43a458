using System.Net.Http.Headers;
using System.Threading.Channels;
using CallControl.Api.Observability.Metrics;
using CallControl.Api.Webhooks.Delivery;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallControl.Api.Webhooks.Sending;

/// <summary>
/// Sends queued webhook messages from memory. It works in terms: a term starts when this instance's
/// webhook fan-out becomes the runner (so one instance sends at a time, the one that queues) and ends with
/// that; a term first finds the lanes with open messages in the database, then takes every message the
/// fan-out queues straight from it, without reading it back. Each lane (a subscription's agent or
/// conversation) sends its oldest open message first, and a later message waits while an earlier one is
/// retried; lanes run in parallel. Outcomes are written behind (see <see cref="OutcomeRecorder"/>).
/// </summary>
public sealed class WebhookSender : BackgroundService
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly WebhookSigner _signer;
    private readonly HttpClient _client;
    private readonly WebhookSendingOptions _options;
    private readonly CallControlMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookSender> _logger;
    private readonly OutcomeRecorder _recorder;
    private readonly Channel<CancellationToken> _terms = Channel.CreateUnbounded<CancellationToken>();
    private readonly object _targetsGate = new();
    private readonly Dictionary<string, WebhookTarget> _targets = new(StringComparer.Ordinal);
    private volatile SendingTerm? _term;

    public WebhookSender(
        NpgsqlDataSource dataSource,
        WebhookSigner signer,
        DestinationPolicy destinations,
        IOptions<WebhookSendingOptions> options,
        CallControlMetrics metrics,
        TimeProvider time,
        ILogger<WebhookSender> logger)
    {
        _dataSource = dataSource;
        _signer = signer;
        _client = destinations.CreateClient();
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _recorder = new OutcomeRecorder(dataSource, logger);
    }

    /// <summary>Whether this instance is sending now.</summary>
    public bool IsSending => _term is not null;

    internal WebhookSendingOptions Options => _options;

    internal TimeProvider Time => _time;

    internal ILogger Logger => _logger;

    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>
    /// Starts a term that lasts until <paramref name="term"/> is cancelled. The caller guarantees that every
    /// message queued before this call has committed, and that from now on it hands each newly queued message
    /// to <see cref="Accept"/> after its commit.
    /// </summary>
    public void BeginTerm(CancellationToken term) => _terms.Writer.TryWrite(term);

    /// <summary>Newly committed messages, each lane's in id order. Ignored when no term is running (the next term reads them).</summary>
    public void Accept(IReadOnlyList<QueuedDelivery> deliveries) => _term?.Accept(deliveries);

    /// <summary>A delivery set back to pending by a redeliver on this instance; other instances' are polled for.</summary>
    public void Requeue(long deliveryId, DateTimeOffset requeuedAt) => _term?.Requeue(deliveryId, requeuedAt);

    /// <summary>Drops a deleted subscription's lanes (its open messages were marked dead with the delete).</summary>
    public void Forget(string subscriptionId) => _term?.Forget(subscriptionId);

    /// <summary>The subscription's target, shared by its messages so that the secret is parsed once.</summary>
    internal WebhookTarget Target(string subscriptionId, string url, string secret)
    {
        lock (_targetsGate)
        {
            if (_targets.TryGetValue(subscriptionId, out var known) && known.Url == url && known.RawSecret == secret)
            {
                return known;
            }

            var target = WebhookTarget.Create(subscriptionId, url, secret);
            _targets[subscriptionId] = target;
            return target;
        }
    }

    internal void Record(DeliveryOutcome outcome)
    {
        _recorder.Add(outcome);
        _metrics.WebhookDeliveryCompleted(outcome.Status);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var abandon = new CancellationTokenSource();
        var recorder = Task.Run(() => _recorder.RunAsync(abandon.Token), CancellationToken.None);
        try
        {
            await foreach (var termToken in _terms.Reader.ReadAllAsync(stoppingToken))
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(termToken, stoppingToken);
                var term = new SendingTerm(this, linked.Token);
                _term = term;
                try
                {
                    _logger.LogInformation("Webhook sending runs in this instance");
                    await term.RunAsync();
                }
                finally
                {
                    _term = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Give the last outcomes a moment to be written; unwritten ones are only sent again.
            _recorder.Complete();
            abandon.CancelAfter(TimeSpan.FromSeconds(5));
            await recorder;
        }
    }

    /// <summary>One attempt: POST the signed body; a 2xx is success, anything else (or no answer in time) a failure with the reason.</summary>
    internal async Task<(int? Status, string? Error)> PostAsync(QueuedDelivery delivery, CancellationToken cancellationToken)
    {
        if (delivery.Target.Secret is not { } secret)
        {
            return (null, delivery.Target.SecretError);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Target.Url) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json", "utf-8");
        _signer.Sign(delivery.MessageId, delivery.Body, secret).ApplyTo(request.Headers);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            return (status, status is >= 200 and <= 299 ? null : $"HTTP {status} {response.ReasonPhrase}");
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"no response within {DestinationPolicy.RequestTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>≈ first delay × 2^(attempts − 1), capped, times a random factor in [0.8, 1.2) so receivers are not hit in waves.</summary>
    internal TimeSpan NextDelay(int attempts)
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
}
