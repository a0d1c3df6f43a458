namespace CallControl.Media.Rtp.Clock;

/// <param name="Number">Ticks since the clock started, from 0.</param>
/// <param name="Due">When the tick was due, measured from the clock's start: exactly <c>Number × packet time</c>.</param>
/// <param name="Lateness">How long after <paramref name="Due"/> the tick actually ran.</param>
public readonly record struct MediaTick(long Number, TimeSpan Due, TimeSpan Lateness);
