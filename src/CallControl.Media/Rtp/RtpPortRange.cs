namespace CallControl.Media.Rtp;

/// <summary>
/// Hands out RTP ports (even; RTCP takes the odd one above) from the configured range, round robin, so a
/// port just released is the last to be reused.
/// </summary>
public sealed class RtpPortRange
{
    private readonly int _low;
    private readonly int _pairs;
    private int _next = -1;

    /// <param name="low">The first RTP port: even, at least 1024.</param>
    /// <param name="high">The last port of the range (inclusive); the last pair must fit below it.</param>
    public RtpPortRange(int low, int high)
    {
        if (low % 2 != 0 || low < 1024 || high > 65535 || high - low + 1 < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(low), $"{low}-{high} is not a range of RTP/RTCP port pairs.");
        }

        _low = low;
        _pairs = (high - low + 1) / 2;
    }

    /// <summary>Port pairs in the range.</summary>
    public int Pairs => _pairs;

    /// <summary>The next RTP port (its RTCP port is one above).</summary>
    public int Next()
    {
        var pair = (int)((uint)Interlocked.Increment(ref _next) % (uint)_pairs);
        return _low + (2 * pair);
    }
}
