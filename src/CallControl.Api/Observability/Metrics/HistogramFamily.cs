using System.Text;

namespace CallControl.Api.Observability.Metrics;

/// <summary>A histogram family: cumulative <c>_bucket</c> counts by upper bound, <c>_sum</c> and <c>_count</c>.</summary>
internal sealed class HistogramFamily : MetricFamily
{
    // The Prometheus client default, used when an instrument gives no bucket advice.
    private static readonly double[] DefaultBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly double[] _boundaries;
    private readonly string[] _boundaryTexts;
    private readonly SeriesTable<HistogramSeries> _series;

    public HistogramFamily(string name, string help, IReadOnlyList<double>? boundaries)
        : base(name, help, "histogram")
    {
        _boundaries = Normalize(boundaries);
        _boundaryTexts = Array.ConvertAll(_boundaries, PrometheusText.FormatValue);
        var bucketCount = _boundaries.Length + 1;
        _series = new SeriesTable<HistogramSeries>(labels => new HistogramSeries(labels, bucketCount));
    }

    public override bool Accepts(MetricFamily other) =>
        other is HistogramFamily histogram && histogram._boundaries.AsSpan().SequenceEqual(_boundaries);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        // A NaN would turn the sum into NaN for the rest of the process's life.
        if (double.IsNaN(value))
        {
            return;
        }

        _series.Get(tags).Record(BucketOf(value), value);
    }

    protected override void WriteSamples(StringBuilder output)
    {
        var counts = new long[_boundaries.Length + 1];
        foreach (var series in _series.Snapshot())
        {
            var sum = series.CopyTo(counts);
            long cumulative = 0;
            for (var bucket = 0; bucket < counts.Length; bucket++)
            {
                cumulative += counts[bucket];
                output.Append(Name).Append("_bucket{");
                if (series.Labels.Length > 0)
                {
                    output.Append(series.Labels).Append(',');
                }

                output.Append("le=\"").Append(bucket < _boundaryTexts.Length ? _boundaryTexts[bucket] : "+Inf").Append("\"} ");
                output.Append(cumulative).Append('\n');
            }

            WriteSample(output, "_sum", series.Labels);
            PrometheusText.AppendValue(output, sum);
            output.Append('\n');
            WriteSample(output, "_count", series.Labels);
            output.Append(cumulative).Append('\n');
        }
    }

    private void WriteSample(StringBuilder output, string suffix, string labels)
    {
        output.Append(Name).Append(suffix);
        if (labels.Length > 0)
        {
            output.Append('{').Append(labels).Append('}');
        }

        output.Append(' ');
    }

    /// <summary>Buckets are inclusive upper bounds: a value equal to a bound counts in that bound's bucket.</summary>
    private int BucketOf(double value)
    {
        var index = Array.BinarySearch(_boundaries, value);
        return index >= 0 ? index : ~index;
    }

    private static double[] Normalize(IReadOnlyList<double>? boundaries)
    {
        if (boundaries is null || boundaries.Count == 0)
        {
            return DefaultBoundaries;
        }

        // +Inf is always written last by the exposition itself, and a bound given twice would be one bucket.
        var sorted = new SortedSet<double>();
        foreach (var boundary in boundaries)
        {
            if (double.IsFinite(boundary))
            {
                sorted.Add(boundary);
            }
        }

        return sorted.Count == 0 ? DefaultBoundaries : [.. sorted];
    }
}
