namespace CallControl.Media.Sip.Dialogs;

/// <summary>What a response to one of our requests did to its dialog.</summary>
public abstract record ResponseOutcome
{
    private ResponseOutcome()
    {
    }

    /// <summary>The response was taken in; the dialog may now be confirmed or have a new remote target.</summary>
    public sealed record Applied : ResponseOutcome
    {
        public static Applied Instance { get; } = new();
    }

    /// <summary>The dialog ended: a failure to the dialog's INVITE, or 481/408 to a request within it.</summary>
    public sealed record DialogTerminated : ResponseOutcome
    {
        public static DialogTerminated Instance { get; } = new();
    }

    /// <summary>Our re-INVITE met 491: send it again (with a new CSeq) after the delay, if still wanted.</summary>
    public sealed record RetryReInviteAfter(TimeSpan Delay) : ResponseOutcome;

    /// <summary>The response names another dialog (another fork of our INVITE, for instance).</summary>
    public sealed record NotThisDialog : ResponseOutcome
    {
        public static NotThisDialog Instance { get; } = new();
    }
}
