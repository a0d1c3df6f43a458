using CallControl.Media.Sip.Dialogs;

namespace CallControl.Media.Sip.UserAgent;

/// <summary>Who ended a call or asked for a change: this side, or the far end.</summary>
public enum SipInitiator
{
    Local,
    Remote,
}

/// <summary>A fact about a call the user agent reports, in the order it happened for that call.</summary>
public abstract record SipCallEvent(SipCall Call)
{
    /// <summary>
    /// An INVITE arrived and is ringing here; answer, reject or let the caller cancel it. When it carried a
    /// Replaces header naming one of our calls (RFC 3891), that call is <paramref name="Replaces"/>: answering
    /// this one hangs that one up.
    /// </summary>
    public sealed record Offered(SipCall Call, SipCall? Replaces = null) : SipCallEvent(Call);

    /// <summary>The far end rings (180/183) for a call we placed.</summary>
    public sealed record Ringing(SipCall Call, int StatusCode) : SipCallEvent(Call);

    /// <summary>The call is connected: a 2xx was received (outbound) or acknowledged (inbound).</summary>
    public sealed record Answered(SipCall Call) : SipCallEvent(Call);

    /// <summary>The far end put us on hold (sendonly, inactive or c=0.0.0.0) or took us off it.</summary>
    public sealed record RemoteHoldChanged(SipCall Call, bool Held) : SipCallEvent(Call);

    /// <summary>Our hold or resume re-INVITE completed (the far end accepted the new direction).</summary>
    public sealed record LocalHoldChanged(SipCall Call, bool Held) : SipCallEvent(Call);

    /// <summary>Our re-INVITE failed with this status; the call goes on with the media as it was.</summary>
    public sealed record ReInviteFailed(SipCall Call, int StatusCode) : SipCallEvent(Call);

    /// <summary>
    /// The far end asks us to call <paramref name="Target"/> (REFER, RFC 3515), replacing the dialog
    /// <paramref name="Replaces"/> names there when the transfer is attended. It got 202; report how the new
    /// call goes with <see cref="SipCall.ReportReferProgress"/> (the far end hears it as NOTIFYs).
    /// </summary>
    public sealed record ReferReceived(SipCall Call, string Target, ReplacesHeader? Replaces) : SipCallEvent(Call);

    /// <summary>Our REFER (<see cref="SipCall.Refer"/>) was accepted (202): progress follows as <see cref="ReferProgress"/>.</summary>
    public sealed record ReferAccepted(SipCall Call) : SipCallEvent(Call);

    /// <summary>Our REFER was refused with this status (or 408/503 when it got no answer).</summary>
    public sealed record ReferFailed(SipCall Call, int StatusCode) : SipCallEvent(Call);

    /// <summary>
    /// How the call our REFER asked for goes, as the far end's NOTIFY reported it: 100, 180… then a final
    /// status (2xx: the transfer succeeded), which is the last one.
    /// </summary>
    public sealed record ReferProgress(SipCall Call, int StatusCode) : SipCallEvent(Call);

    /// <summary>The far end sent INFO in the call (DTMF relay, for instance); it was answered 200.</summary>
    public sealed record InfoReceived(SipCall Call, string? ContentType, ReadOnlyMemory<byte> Body) : SipCallEvent(Call);

    /// <summary>
    /// The call ended: the SIP status that ended it (200 for a BYE) and who ended it. A session timer that
    /// ran out (RFC 4028) ends the call with our BYE and is reported as 408 with initiator
    /// <see cref="SipInitiator.Local"/>.
    /// </summary>
    public sealed record Terminated(SipCall Call, int StatusCode, SipInitiator Initiator) : SipCallEvent(Call);
}
