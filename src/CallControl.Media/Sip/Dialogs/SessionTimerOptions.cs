namespace CallControl.Media.Sip.Dialogs;

/// <summary>Our session timer policy (RFC 4028).</summary>
public sealed record SessionTimerOptions
{
    /// <summary>The smallest interval RFC 4028 allows, and the Min-SE assumed when a request has none.</summary>
    public const int SmallestMinSE = 90;

    /// <summary>The interval we ask for or cut a longer request down to; RFC 4028 recommends 1800 s.</summary>
    public int IntervalSeconds { get; init; } = 1800;

    /// <summary>The shortest interval we accept; a shorter one gets 422 (or is raised when the peer cannot retry).</summary>
    public int MinSESeconds { get; init; } = SmallestMinSE;

    /// <summary>Whether we start a session timer when the peer's request asks for none.</summary>
    public bool RequestWhenAbsent { get; init; } = true;

    /// <summary>
    /// When the peer supports timers and leaves the refresher to us, whether we take the job: refreshing
    /// ourselves means a dead peer is found by our own failed refresh rather than by the peer's silence.
    /// </summary>
    public bool PreferLocalRefresh { get; init; } = true;
}
