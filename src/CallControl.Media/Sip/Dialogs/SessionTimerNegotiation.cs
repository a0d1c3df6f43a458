using System.Globalization;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// Negotiates the session interval and the refresher from INVITE/UPDATE requests and their 2xx
/// (RFC 4028 sections 7 and 9). The refresher named in a header is relative to that transaction.
/// </summary>
public static class SessionTimerNegotiation
{
    public const string OptionTag = "timer";
    public const string MinSEHeader = "Min-SE";

    /// <summary>
    /// Adds <c>Supported: timer</c>, Session-Expires and (when given) Min-SE to a session refresh request
    /// or an initial INVITE we send.
    /// </summary>
    public static SipRequest AddToRequest(SipRequest request, SessionExpires sessionExpires, int? minSE = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var withTimer = WithSupportedTimer(request).WithHeader(SipHeaderNames.SessionExpires, sessionExpires.ToString());
        return minSE is { } value
            ? withTimer.WithHeader(MinSEHeader, value.ToString(CultureInfo.InvariantCulture))
            : withTimer;
    }

    /// <summary>
    /// What we answer to a received INVITE or UPDATE (RFC 4028 section 9 and erratum 1687): 422 when a
    /// peer that supports timers asks for less than our minimum; otherwise the interval (never above
    /// what was asked, never below either side's minimum) and the refresher, which the peer's choice
    /// decides, else our preference when the peer supports timers, else us.
    /// </summary>
    public static SessionTimerAnswer Answer(SipRequest request, SessionTimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var peerSupports = Lists(request, SipHeaderNames.Supported, OptionTag) || Lists(request, SipHeaderNames.Require, OptionTag);
        var floor = Math.Max(options.MinSESeconds, SessionExpires.MinSEFrom(request) ?? SessionTimerOptions.SmallestMinSE);
        var asked = SessionExpires.From(request);
        if (asked is { } tooShort && tooShort.Seconds < options.MinSESeconds && peerSupports)
        {
            return new SessionTimerAnswer.IntervalTooSmall(floor);
        }

        if (asked is null && !options.RequestWhenAbsent)
        {
            return SessionTimerAnswer.NoTimer.Instance;
        }

        var interval = Math.Max(Math.Min(asked?.Seconds ?? options.IntervalSeconds, options.IntervalSeconds), floor);
        var refresher = !peerSupports ? SessionRefresher.Uas
            : asked?.Refresher ?? (options.PreferLocalRefresh ? SessionRefresher.Uas : SessionRefresher.Uac);
        return new SessionTimerAnswer.Accepted(new SessionExpires(interval, refresher), peerSupports);
    }

    /// <summary>
    /// The session timer a 2xx to our INVITE or UPDATE sets (RFC 4028 7.2), or null when it has no
    /// Session-Expires (no timer). A missing refresher means the UAS does not know timers, so we refresh.
    /// </summary>
    public static NegotiatedSessionTimer? FromResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return SessionExpires.From(response) is { } value
            ? new NegotiatedSessionTimer(value.Seconds, (value.Refresher ?? SessionRefresher.Uac) == SessionRefresher.Uac)
            : null;
    }

    /// <summary>
    /// The Session-Expires and Min-SE to send again after a 422 (RFC 4028 7.3): Min-SE is the largest
    /// minimum heard, and the interval at least that.
    /// </summary>
    public static (SessionExpires SessionExpires, int MinSE) RetryAfterTooSmall(SipResponse response, SessionExpires previous, int? previousMinSE = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var minSE = Math.Max(SessionExpires.MinSEFrom(response) ?? SessionTimerOptions.SmallestMinSE, previousMinSE ?? 0);
        return (previous with { Seconds = Math.Max(previous.Seconds, minSE) }, minSE);
    }

    internal static bool Lists(SipMessage message, string headerName, string token) =>
        message.GetTokens(headerName).Any(t => t.Equals(token, StringComparison.OrdinalIgnoreCase));

    private static T WithSupportedTimer<T>(T message)
        where T : SipMessage =>
        Lists(message, SipHeaderNames.Supported, OptionTag) ? message : message.AddHeader(SipHeaderNames.Supported, OptionTag);
}

/// <summary>A session interval in force, and whether this side refreshes it.</summary>
public readonly record struct NegotiatedSessionTimer(int IntervalSeconds, bool LocalRefreshes)
{
    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);
}

/// <summary>Our answer to a received request's session timer headers.</summary>
public abstract record SessionTimerAnswer
{
    private SessionTimerAnswer()
    {
    }

    /// <summary>Adds what this answer puts in our response.</summary>
    public abstract SipResponse ApplyTo(SipResponse response);

    /// <summary>Reject with 422 carrying our minimum in Min-SE.</summary>
    public sealed record IntervalTooSmall(int MinSE) : SessionTimerAnswer
    {
        public override SipResponse ApplyTo(SipResponse response)
        {
            ArgumentNullException.ThrowIfNull(response);
            return response.WithHeader(SessionTimerNegotiation.MinSEHeader, MinSE.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Accept with this Session-Expires in the 2xx, and <c>Require: timer</c> when the peer supports
    /// timers (it must then act on it).
    /// </summary>
    public sealed record Accepted(SessionExpires SessionExpires, bool RequireTimer) : SessionTimerAnswer
    {
        /// <summary>The timer for us, the UAS of this transaction.</summary>
        public NegotiatedSessionTimer Timer => new(SessionExpires.Seconds, SessionExpires.Refresher == SessionRefresher.Uas);

        public override SipResponse ApplyTo(SipResponse response)
        {
            ArgumentNullException.ThrowIfNull(response);
            var withValue = response.WithHeader(SipHeaderNames.SessionExpires, SessionExpires.ToString());
            return RequireTimer && !SessionTimerNegotiation.Lists(response, SipHeaderNames.Require, SessionTimerNegotiation.OptionTag)
                ? withValue.AddHeader(SipHeaderNames.Require, SessionTimerNegotiation.OptionTag)
                : withValue;
        }
    }

    /// <summary>No session timer for this session.</summary>
    public sealed record NoTimer : SessionTimerAnswer
    {
        public static NoTimer Instance { get; } = new();

        public override SipResponse ApplyTo(SipResponse response) => response;
    }
}
