namespace CallControl.Media.Rtp.Clock;

/// <param name="Ticks">Ticks run so far.</param>
/// <param name="LateTicks">Ticks that ran at least <see cref="MediaClock.LateThreshold"/> after they were due.</param>
/// <param name="SubscriberFaults">Exceptions thrown by subscribers (each caught so the other streams keep going).</param>
/// <param name="LatenessP50">Median lateness, to the resolution of the histogram.</param>
/// <param name="LatenessP99">99th percentile lateness, to the resolution of the histogram.</param>
/// <param name="MaxLateness">The worst lateness seen.</param>
public readonly record struct MediaClockStatistics(
    long Ticks,
    long LateTicks,
    long SubscriberFaults,
    TimeSpan LatenessP50,
    TimeSpan LatenessP99,
    TimeSpan MaxLateness);
