using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace CallControl.Api.Observability.Metrics;

/// <summary>
/// Listens to the meters named <see cref="CallControlMetrics.MeterName"/>, aggregates what they record, and writes
/// it in the Prometheus text exposition format (0.0.4).
/// </summary>
public sealed partial class PrometheusExposition : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly IMeterFactory _meterFactory;
    private readonly ILogger<PrometheusExposition> _logger;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    // Observable series are cleared, observed and written as one step; two scrapes must not interleave.
    private readonly Lock _collecting = new();

    public PrometheusExposition(IMeterFactory meterFactory, ILogger<PrometheusExposition> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meterFactory = meterFactory;
        _logger = logger;
        _listener = new MeterListener { InstrumentPublished = OnInstrumentPublished };
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, family) => ((MetricFamily)family!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, family) => ((MetricFamily)family!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, family) => ((MetricFamily)family!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, family) => ((MetricFamily)family!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, family) => ((MetricFamily)family!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, family) => ((MetricFamily)family!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, family) => ((MetricFamily)family!).Record((double)value, tags));
        _listener.Start();
        ProcessInstruments.Create(meterFactory.Create(CallControlMetrics.MeterName));
    }

    /// <summary>The current exposition text: families by name, series by label text, each family's HELP and TYPE once.</summary>
    public string Collect()
    {
        lock (_collecting)
        {
            var families = _families.Values.ToArray();
            foreach (var family in families)
            {
                family.ForgetObservations();
            }

            try
            {
                _listener.RecordObservableInstruments();
            }
            catch (AggregateException ex)
            {
                // The listener observes every other instrument before it reports the failures, so the page is still
                // worth serving; only the failing instruments' series are missing from it.
                LogObservationFailed(ex);
            }

            Array.Sort(families, static (left, right) => string.CompareOrdinal(left.Name, right.Name));
            var output = new StringBuilder(8192);
            foreach (var family in families)
            {
                family.Write(output);
            }

            return output.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        if (!IsListenedTo(instrument.Meter) || MetricFamily.For(instrument) is not { } candidate)
        {
            return;
        }

        var family = _families.GetOrAdd(candidate.Name, candidate);
        if (!family.Accepts(candidate))
        {
            LogConflictingInstrument(instrument.Name, instrument.Meter.Name);
            return;
        }

        listener.EnableMeasurementEvents(instrument, family);
    }

    // Meters from another container's factory belong to another host in the same process (tests run several);
    // a meter made without a factory has no owner and is taken by every exposition.
    private bool IsListenedTo(Meter meter) =>
        string.Equals(meter.Name, CallControlMetrics.MeterName, StringComparison.Ordinal)
        && (meter.Scope is null || ReferenceEquals(meter.Scope, _meterFactory));

    [LoggerMessage(Level = LogLevel.Warning, Message = "An observable instrument failed while /metrics was collected")]
    private partial void LogObservationFailed(Exception exception);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Instrument {Instrument} of meter {Meter} is not exposed: its name is already used by an instrument of another kind")]
    private partial void LogConflictingInstrument(string instrument, string meter);
}
