using System.Diagnostics.Metrics;
using System.Numerics;
using System.Text;

namespace CallControl.Api.Observability.Metrics;

/// <summary>Everything exposed under one metric name: its help, its type, and its series.</summary>
internal abstract class MetricFamily
{
    protected MetricFamily(string name, string help, string typeName)
    {
        Name = name;
        Help = help;
        TypeName = typeName;
    }

    public string Name { get; }

    public string Help { get; }

    public string TypeName { get; }

    /// <summary>The family an instrument feeds, or null for an instrument kind this exposition does not know.</summary>
    public static MetricFamily? For(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType)
        {
            return null;
        }

        var kind = type.GetGenericTypeDefinition();
        var name = PrometheusText.MetricName(instrument.Name);
        var help = string.IsNullOrWhiteSpace(instrument.Description) ? instrument.Name : instrument.Description;
        if (kind == typeof(Counter<>))
        {
            return new ScalarFamily(CounterName(name), help, ScalarAggregation.Sum, isObserved: false);
        }

        if (kind == typeof(ObservableCounter<>))
        {
            return new ScalarFamily(CounterName(name), help, ScalarAggregation.ObservedTotal, isObserved: true);
        }

        if (kind == typeof(UpDownCounter<>))
        {
            return new ScalarFamily(name, help, ScalarAggregation.UpDownSum, isObserved: false);
        }

        if (kind == typeof(Gauge<>))
        {
            return new ScalarFamily(name, help, ScalarAggregation.LastValue, isObserved: false);
        }

        if (kind == typeof(ObservableGauge<>) || kind == typeof(ObservableUpDownCounter<>))
        {
            return new ScalarFamily(name, help, ScalarAggregation.LastValue, isObserved: true);
        }

        if (kind == typeof(Histogram<>))
        {
            return new HistogramFamily(name, help, BucketBoundaries(instrument));
        }

        return null;
    }

    /// <summary>Whether an instrument described by <paramref name="other"/> can feed this family's series.</summary>
    public abstract bool Accepts(MetricFamily other);

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>
    /// Called before observable instruments are asked for their values: they report afresh on every scrape, and a
    /// series they stopped reporting must not linger.
    /// </summary>
    public virtual void ForgetObservations()
    {
    }

    public void Write(StringBuilder output)
    {
        output.Append("# HELP ").Append(Name).Append(' ');
        PrometheusText.AppendHelp(output, Help);
        output.Append('\n');
        output.Append("# TYPE ").Append(Name).Append(' ').Append(TypeName).Append('\n');
        WriteSamples(output);
    }

    protected abstract void WriteSamples(StringBuilder output);

    // Prometheus expects every counter to end in _total; instruments already named so keep their name.
    private static string CounterName(string name) => name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total";

    private static double[]? BucketBoundaries(Instrument instrument) => instrument switch
    {
        Instrument<double> typed => ToDoubles(typed.Advice?.HistogramBucketBoundaries),
        Instrument<float> typed => ToDoubles(typed.Advice?.HistogramBucketBoundaries),
        Instrument<long> typed => ToDoubles(typed.Advice?.HistogramBucketBoundaries),
        Instrument<int> typed => ToDoubles(typed.Advice?.HistogramBucketBoundaries),
        Instrument<short> typed => ToDoubles(typed.Advice?.HistogramBucketBoundaries),
        Instrument<byte> typed => ToDoubles(typed.Advice?.HistogramBucketBoundaries),
        Instrument<decimal> typed => ToDoubles(typed.Advice?.HistogramBucketBoundaries),
        _ => null,
    };

    private static double[]? ToDoubles<T>(IReadOnlyList<T>? values)
        where T : INumberBase<T>
    {
        if (values is null)
        {
            return null;
        }

        var result = new double[values.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = double.CreateSaturating(values[i]);
        }

        return result;
    }
}
