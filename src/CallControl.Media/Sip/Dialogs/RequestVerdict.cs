using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>What the dialog layer decided about a request it received.</summary>
public abstract record RequestVerdict
{
    private RequestVerdict()
    {
    }

    /// <summary>The request belongs to the dialog and passed its checks; the application answers it.</summary>
    public sealed record Accepted(SipDialog Dialog) : RequestVerdict;

    /// <summary>Send this response and do nothing else with the request.</summary>
    public sealed record Rejected(SipResponse Response) : RequestVerdict;

    /// <summary>Drop the request without an answer (an ACK never gets one).</summary>
    public sealed record Ignored : RequestVerdict
    {
        public static Ignored Instance { get; } = new();
    }

    /// <summary>The request has no To tag: it is not within a dialog (an initial INVITE, OPTIONS, …).</summary>
    public sealed record OutOfDialog : RequestVerdict
    {
        public static OutOfDialog Instance { get; } = new();
    }
}
