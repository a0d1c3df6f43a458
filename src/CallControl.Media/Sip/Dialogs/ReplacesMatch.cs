namespace CallControl.Media.Sip.Dialogs;

/// <summary>What an INVITE's Replaces header found among our dialogs (RFC 3891 section 3).</summary>
public abstract record ReplacesMatch
{
    private ReplacesMatch()
    {
    }

    /// <summary>The INVITE has no Replaces header: an ordinary new call.</summary>
    public sealed record Absent : ReplacesMatch
    {
        public static Absent Instance { get; } = new();
    }

    /// <summary>The new dialog replaces this one: accept the INVITE, then end the old dialog with BYE (or CANCEL).</summary>
    public sealed record Found(SipDialog Dialog) : ReplacesMatch;

    /// <summary>Answer the INVITE with this status: 400, 481, 486 or 603.</summary>
    public sealed record Refused(int StatusCode) : ReplacesMatch;
}
