namespace CallControl.Api.Observability.Metrics;

/// <summary>One time series of a family: its rendered label text and its aggregated value.</summary>
internal abstract class Series(string labels)
{
    /// <summary><c>name="value",…</c>, empty for a series without labels.</summary>
    public string Labels { get; } = labels;
}

/// <summary>A single number: a running sum (counters) or the last value seen (gauges).</summary>
internal sealed class ScalarSeries(string labels) : Series(labels)
{
    private double _value;

    public double Value => Volatile.Read(ref _value);

    public void Add(double amount)
    {
        var current = Volatile.Read(ref _value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _value, current + amount, current);
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }

    public void Set(double value) => Interlocked.Exchange(ref _value, value);
}

/// <summary>Per-bucket counts (not yet cumulative) and the sum of a histogram series.</summary>
internal sealed class HistogramSeries(string labels, int bucketCount) : Series(labels)
{
    // One short lock keeps sum and counts from the same set of measurements in every scrape.
    private readonly Lock _lock = new();
    private readonly long[] _counts = new long[bucketCount];
    private double _sum;

    public void Record(int bucket, double value)
    {
        lock (_lock)
        {
            _counts[bucket]++;
            _sum += value;
        }
    }

    public double CopyTo(Span<long> counts)
    {
        lock (_lock)
        {
            _counts.CopyTo(counts);
            return _sum;
        }
    }
}
