using CallControl.Domain.Conversations;
using CallControl.Media.Calls.Legs;
using CallControl.Media.Sip.UserAgent;

namespace CallControl.Media.Calls.Engine;

/// <summary>What music a held far end hears.</summary>
public enum HoldAudio
{
    /// <summary>The configured WAV, or the generated tone pattern when none is configured.</summary>
    Music,

    /// <summary>Nothing: no RTP is sent while held (RTCP continues).</summary>
    Silence,
}

/// <summary>The engine's commands, as named in <see cref="MediaEvent.CommandFailed"/>.</summary>
public enum MediaCommand
{
    Place,
    Ring,
    Answer,
    Reject,
    Hold,
    Resume,
    Mute,
    Unmute,
    Bridge,
    Unbridge,
    Transfer,
    Consult,
    CompleteConsult,
    CancelConsult,
    Digits,
    Record,
    StopRecording,
    HangUp,
}

/// <summary>
/// A fact about a leg, reported by <see cref="MediaEngine"/> in the order it happened for that leg. Every
/// command ends in the fact it asked for or in <see cref="CommandFailed"/>; everything a far end does on its
/// own (answering, hanging up, holding, transferring, sending digits, vanishing) is reported as well.
/// </summary>
public abstract record MediaEvent(string LegId)
{
    /// <summary>
    /// A call arrived and rings here (the leg is named by the engine). <paramref name="ReplacesLegId"/> is set
    /// when its INVITE asks to replace one of our legs (RFC 3891).
    /// </summary>
    public sealed record LegOffered(string LegId, string CallId, string From, string To, string? ReplacesLegId) : MediaEvent(LegId)
    {
        /// <summary>The caller's display name in its From, when it gave one.</summary>
        public string? CallerIdName { get; init; }

        /// <summary>What the caller dialled: the request URI's user part (a number or a user), or the whole URI when it has none.</summary>
        public string Dialled { get; init; } = "";
    }

    /// <summary>The far end of a leg we placed rings (180/183).</summary>
    public sealed record LegRinging(string LegId, int SipStatus) : MediaEvent(LegId);

    /// <summary>The leg is connected: our call was answered, or our answer acknowledged.</summary>
    public sealed record LegAnswered(string LegId) : MediaEvent(LegId);

    /// <summary>Our hold completed: the far end accepted the re-INVITE and hears <paramref name="Audio"/>.</summary>
    public sealed record LegHeld(string LegId, HoldAudio Audio) : MediaEvent(LegId);

    /// <summary>Our resume completed: the far end and its peer hear each other again.</summary>
    public sealed record LegResumed(string LegId) : MediaEvent(LegId);

    /// <summary>The far end put us on hold, or took us off it.</summary>
    public sealed record LegRemoteHoldChanged(string LegId, bool Held) : MediaEvent(LegId);

    /// <summary>What the far end says is no longer passed to its peer.</summary>
    public sealed record LegMuted(string LegId) : MediaEvent(LegId);

    public sealed record LegUnmuted(string LegId) : MediaEvent(LegId);

    /// <summary>Two legs hear each other.</summary>
    public sealed record LegsBridged(string LegId, string OtherLegId) : MediaEvent(LegId);

    /// <summary>A leg left its bridge (its peer hears nothing from it now).</summary>
    public sealed record LegUnbridged(string LegId, string OtherLegId) : MediaEvent(LegId);

    /// <summary>The far end pressed a key (RFC 4733, or SIP INFO), reported once when the key is released.</summary>
    public sealed record DigitReceived(string LegId, char Digit, TimeSpan Duration) : MediaEvent(LegId);

    /// <summary>All the digits of a <see cref="MediaEngine.SendDigits"/> went out.</summary>
    public sealed record DigitsSent(string LegId, string Digits) : MediaEvent(LegId);

    /// <summary>
    /// The far end of <paramref name="LegId"/> asked us (REFER) to connect its peer to <paramref name="Target"/>;
    /// <paramref name="NewLegId"/> is the leg placed to do that. Its outcome follows as
    /// <see cref="TransferCompleted"/> or <see cref="TransferFailed"/>.
    /// </summary>
    public sealed record TransferRequested(string LegId, string Target, string NewLegId) : MediaEvent(LegId);

    /// <summary>
    /// <paramref name="NewLegId"/> answered and took the place of <paramref name="LegId"/> in its bridge;
    /// <paramref name="LegId"/> is being hung up.
    /// </summary>
    public sealed record TransferCompleted(string LegId, string NewLegId) : MediaEvent(LegId);

    /// <summary>A transfer or consultation of <paramref name="LegId"/> did not work; the bridge is as it was.</summary>
    public sealed record TransferFailed(string LegId, string NewLegId, int? SipStatus, string Reason) : MediaEvent(LegId);

    /// <summary>Recording of the leg's bridge into <paramref name="Path"/> began.</summary>
    public sealed record RecordingStarted(string LegId, string Path) : MediaEvent(LegId);

    /// <summary>Recording stopped, by command or because its leg ended; <paramref name="Error"/> when writing failed.</summary>
    public sealed record RecordingStopped(string LegId, string Path, TimeSpan Duration, string? Error) : MediaEvent(LegId);

    /// <summary>A command could not be carried out; <paramref name="SipStatus"/> when the far end refused it.</summary>
    public sealed record CommandFailed(string LegId, MediaCommand Command, string Reason, int? SipStatus = null) : MediaEvent(LegId);

    /// <summary>
    /// The leg is over: why, the SIP status that ended it (null when no SIP message did), which side ended it,
    /// and the far end's media quality over the call (null when no media flowed).
    /// </summary>
    public sealed record LegEnded(string LegId, DisconnectReason Reason, int? SipStatus, SipInitiator Initiator, LegQuality? Quality) : MediaEvent(LegId);
}
