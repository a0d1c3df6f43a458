using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// The running session timer of a dialog (RFC 4028 section 10). The refresher refreshes at half the
/// interval; the other side gives the session up with BYE when no refresh came by the interval minus
/// the smaller of 32 s and a third of it. As refresher, an unfinished refresh still ends the session at
/// the full interval. It holds no timer: ask <see cref="Poll"/> at <see cref="NextDueAt"/>.
/// </summary>
public sealed class SessionTimer
{
    private bool _refreshRequested;

    public SessionTimer(NegotiatedSessionTimer timer, DateTimeOffset now) => Restart(timer, now);

    public NegotiatedSessionTimer Current { get; private set; }

    /// <summary>When we should refresh; null when the peer refreshes.</summary>
    public DateTimeOffset? RefreshAt { get; private set; }

    /// <summary>When the session is given up with BYE if not refreshed by then.</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>When <see cref="Poll"/> next has something to do.</summary>
    public DateTimeOffset NextDueAt => RefreshAt is { } refresh && !_refreshRequested ? refresh : ExpiresAt;

    /// <summary>The refresh method: UPDATE when the peer allows it (no new offer needed), else re-INVITE.</summary>
    public static SipMethod RefreshMethod(IReadOnlyList<string> peerAllows)
    {
        ArgumentNullException.ThrowIfNull(peerAllows);
        return peerAllows.Contains(SipMethod.Update.Name, StringComparer.OrdinalIgnoreCase) ? SipMethod.Update : SipMethod.Invite;
    }

    /// <summary>What is due at <paramref name="now"/>; asks for one refresh per interval.</summary>
    public SessionTimerDecision Poll(DateTimeOffset now)
    {
        if (now >= ExpiresAt)
        {
            return SessionTimerDecision.Expired;
        }

        if (RefreshAt is { } refreshAt && now >= refreshAt && !_refreshRequested)
        {
            _refreshRequested = true;
            return SessionTimerDecision.Refresh;
        }

        return SessionTimerDecision.Nothing;
    }

    /// <summary>
    /// Starts the interval again after a session refresh succeeded in either direction (a 2xx to a
    /// re-INVITE or UPDATE), with the interval and refresher that refresh negotiated.
    /// </summary>
    public void Restart(NegotiatedSessionTimer timer, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timer.IntervalSeconds, 1, nameof(timer));
        Current = timer;
        _refreshRequested = false;
        var interval = timer.Interval;
        if (timer.LocalRefreshes)
        {
            RefreshAt = now + (interval / 2);
            ExpiresAt = now + interval;
        }
        else
        {
            RefreshAt = null;
            var margin = TimeSpan.FromSeconds(Math.Min(32, timer.IntervalSeconds / 3.0));
            ExpiresAt = now + interval - margin;
        }
    }
}

/// <summary>What the session timer asks for at a given time.</summary>
public enum SessionTimerDecision
{
    Nothing,

    /// <summary>Send a session refresh (<see cref="SessionTimer.RefreshMethod"/>).</summary>
    Refresh,

    /// <summary>The session was not refreshed in time: send BYE.</summary>
    Expired,
}
