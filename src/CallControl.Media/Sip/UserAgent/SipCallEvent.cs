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
    /// <summary>An INVITE arrived and is ringing here; answer, reject or let the caller cancel it.</summary>
    public sealed record Offered(SipCall Call) : SipCallEvent(Call);

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

    /// <summary>The call ended: the SIP status that ended it (200 for a BYE) and who ended it.</summary>
    public sealed record Terminated(SipCall Call, int StatusCode, SipInitiator Initiator) : SipCallEvent(Call);
}
