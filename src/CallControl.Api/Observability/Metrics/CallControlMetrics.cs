using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace CallControl.Api.Observability.Metrics;

/// <summary>
/// The service's own instruments, all on the one <see cref="Meter"/> named <see cref="MeterName"/>.
/// Callers report what happened; <see cref="PrometheusExposition"/> turns it into <c>GET /metrics</c>.
/// </summary>
public sealed class CallControlMetrics
{
    public const string MeterName = "CallControl";

    private const int LowestSipStatus = 100;
    private const int HighestSipStatus = 699;

    // Command latency spans a local decision (about a millisecond) up to a media round trip bounded by Prefer: wait.
    private static readonly double[] CommandDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Boxing the status code for every transaction would allocate on the SIP hot path; the texts are made once.
    private static readonly string[] SipStatusTexts = CreateSipStatusTexts();

    private readonly Counter<long> _commands;
    private readonly Histogram<double> _commandDuration;
    private readonly Counter<long> _eventsAppended;
    private readonly Counter<long> _webhookDeliveries;
    private readonly Counter<long> _mediaCommandsSent;
    private readonly Counter<long> _sipTransactions;
    private readonly ConcurrentDictionary<string, Func<double>> _subscriptionLags = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ActiveCallsRegistration, Func<long>> _activeCallSources = new();

    public CallControlMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _commands = meter.CreateCounter<long>(
            "callcontrol_commands_total", "{command}", "Commands handled, by command type and outcome.");
        _commandDuration = meter.CreateHistogram(
            "callcontrol_command_duration_seconds",
            "s",
            "Time from receiving a command to answering it, by command type.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommandDurationBuckets });
        _eventsAppended = meter.CreateCounter<long>(
            "callcontrol_events_appended_total", "{event}", "Events appended to the event store, by stream type.");
        _webhookDeliveries = meter.CreateCounter<long>(
            "callcontrol_webhook_deliveries_total", "{delivery}", "Webhook delivery attempts, by outcome.");
        _mediaCommandsSent = meter.CreateCounter<long>(
            "callcontrol_media_commands_sent_total",
            "{command}",
            "Media commands sent to workers, by road: right after their append, or later from the log.");
        _sipTransactions = meter.CreateCounter<long>(
            "callcontrol_sip_transactions_total", "{transaction}", "Completed SIP transactions, by method and final status.");
        meter.CreateObservableGauge(
            "callcontrol_subscription_lag_seconds", ObserveSubscriptionLags, "s", "How far each event subscription is behind the head of the store.");
        meter.CreateObservableGauge(
            "callcontrol_active_calls", ObserveActiveCalls, "{call}", "Calls currently up, summed over every registered source.");
    }

    public void CommandCompleted(string commandType, string outcome, TimeSpan latency)
    {
        var command = new KeyValuePair<string, object?>("command", commandType);
        _commands.Add(1, command, new KeyValuePair<string, object?>("outcome", outcome));
        _commandDuration.Record(latency.TotalSeconds, command);
    }

    public void EventsAppended(int count, string streamType) =>
        _eventsAppended.Add(count, new KeyValuePair<string, object?>("stream_type", streamType));

    /// <param name="road"><c>append</c> (sent right after the append) or <c>log</c> (by the media-dispatch subscription).</param>
    public void MediaCommandsSent(int count, string road) =>
        _mediaCommandsSent.Add(count, new KeyValuePair<string, object?>("road", road));

    public void WebhookDeliveryCompleted(string outcome) =>
        _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void SipTransactionCompleted(string method, int status) =>
        _sipTransactions.Add(
            1,
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("status", SipStatusText(status)));

    /// <summary>
    /// Reports <paramref name="lagSeconds"/> as the lag of <paramref name="subscription"/> on every scrape until the
    /// returned handle is disposed. Registering the same subscription again replaces the earlier callback.
    /// </summary>
    public IDisposable ReportSubscriptionLag(string subscription, Func<double> lagSeconds)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(lagSeconds);
        _subscriptionLags[subscription] = lagSeconds;
        return new SubscriptionLagRegistration(_subscriptionLags, subscription, lagSeconds);
    }

    /// <summary>
    /// Adds <paramref name="activeCalls"/> to the active calls gauge until the returned handle is disposed. Every
    /// registered source is summed, so each media worker can report the calls it carries.
    /// </summary>
    public IDisposable ReportActiveCalls(Func<long> activeCalls)
    {
        ArgumentNullException.ThrowIfNull(activeCalls);
        var registration = new ActiveCallsRegistration(_activeCallSources);
        _activeCallSources[registration] = activeCalls;
        return registration;
    }

    private IEnumerable<Measurement<double>> ObserveSubscriptionLags()
    {
        foreach (var (subscription, lagSeconds) in _subscriptionLags)
        {
            if (TryObserve(lagSeconds, out var seconds))
            {
                yield return new Measurement<double>(seconds, new KeyValuePair<string, object?>("subscription", subscription));
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveActiveCalls()
    {
        if (_activeCallSources.IsEmpty)
        {
            yield break;
        }

        long total = 0;
        foreach (var source in _activeCallSources.Values)
        {
            if (!TryObserve(source, out var calls))
            {
                // A partial sum would look like calls dropping; no sample says "unknown" instead.
                yield break;
            }

            total += calls;
        }

        yield return new Measurement<long>(total);
    }

    // A scrape runs every callback; one failing source must cost only its own series, not the whole page.
    private static bool TryObserve<T>(Func<T> source, out T value)
    {
        try
        {
            value = source();
            return true;
        }
        catch (Exception)
        {
            value = default!;
            return false;
        }
    }

    private static string SipStatusText(int status) =>
        status is >= LowestSipStatus and <= HighestSipStatus
            ? SipStatusTexts[status - LowestSipStatus]
            : status.ToString(CultureInfo.InvariantCulture);

    private static string[] CreateSipStatusTexts()
    {
        var texts = new string[HighestSipStatus - LowestSipStatus + 1];
        for (var i = 0; i < texts.Length; i++)
        {
            texts[i] = (LowestSipStatus + i).ToString(CultureInfo.InvariantCulture);
        }

        return texts;
    }

    private sealed class SubscriptionLagRegistration(
        ConcurrentDictionary<string, Func<double>> registrations, string subscription, Func<double> lagSeconds) : IDisposable
    {
        // Removes only its own callback, so disposing a replaced registration leaves the newer one reporting.
        public void Dispose() => registrations.TryRemove(KeyValuePair.Create(subscription, lagSeconds));
    }

    private sealed class ActiveCallsRegistration(ConcurrentDictionary<ActiveCallsRegistration, Func<long>> registrations) : IDisposable
    {
        public void Dispose() => registrations.TryRemove(this, out _);
    }
}
