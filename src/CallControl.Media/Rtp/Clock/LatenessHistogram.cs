namespace CallControl.Media.Rtp.Clock;

/// <summary>
/// Counts of tick lateness in fixed buckets, so recording never allocates and percentiles cost one pass over
/// a small array. Written by the clock thread only; readers may see a count a tick behind, which is harmless
/// for monitoring.
/// </summary>
internal sealed class LatenessHistogram
{
    private static readonly long BucketTicks = TimeSpan.FromMicroseconds(100).Ticks;

    // 100 µs buckets up to 100 ms (five packet times), then one overflow bucket answered with the maximum seen.
    private readonly long[] _counts = new long[1001];
    private long _total;
    private long _maxTicks;

    public long Total => Volatile.Read(ref _total);

    public TimeSpan Max => TimeSpan.FromTicks(Volatile.Read(ref _maxTicks));

    public void Record(TimeSpan lateness)
    {
        var ticks = Math.Max(0, lateness.Ticks);
        var bucket = (int)Math.Min(ticks / BucketTicks, _counts.Length - 1);
        Interlocked.Increment(ref _counts[bucket]);
        if (ticks > Volatile.Read(ref _maxTicks))
        {
            Volatile.Write(ref _maxTicks, ticks);
        }

        Interlocked.Increment(ref _total);
    }

    /// <summary>The upper edge of the bucket holding the given fraction (0 to 1) of recorded ticks.</summary>
    public TimeSpan Percentile(double fraction)
    {
        var total = Total;
        if (total == 0)
        {
            return TimeSpan.Zero;
        }

        var wanted = (long)Math.Ceiling(Math.Clamp(fraction, 0, 1) * total);
        long seen = 0;
        for (var bucket = 0; bucket < _counts.Length - 1; bucket++)
        {
            seen += Volatile.Read(ref _counts[bucket]);
            if (seen >= wanted && seen > 0)
            {
                return TimeSpan.FromTicks(Math.Min((bucket + 1) * BucketTicks, Volatile.Read(ref _maxTicks)));
            }
        }

        return Max;
    }
}
