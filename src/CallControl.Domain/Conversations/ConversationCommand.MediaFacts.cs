namespace CallControl.Domain.Conversations;

public abstract partial record ConversationCommand
{
    /// <summary>
    /// What the media layer observed or confirmed. Facts arrive at least once and possibly late, so a fact
    /// that no longer matches the state decides nothing instead of failing.
    /// </summary>
    public abstract record MediaFact : ConversationCommand
    {
        private protected MediaFact()
        {
        }
    }

    /// <summary>The far end is ringing (180/183).</summary>
    public sealed record ConfirmLegAlerting(ParticipantId ParticipantId, DateTimeOffset At) : MediaFact;

    public sealed record ConfirmLegAnswered(ParticipantId ParticipantId, DateTimeOffset At) : MediaFact;

    public sealed record ConfirmLegHeld(ParticipantId ParticipantId, DateTimeOffset At) : MediaFact;

    public sealed record ConfirmLegResumed(ParticipantId ParticipantId, DateTimeOffset At) : MediaFact;

    public sealed record ConfirmLegMuted(ParticipantId ParticipantId, DateTimeOffset At) : MediaFact;

    public sealed record ConfirmLegUnmuted(ParticipantId ParticipantId, DateTimeOffset At) : MediaFact;

    /// <summary>The far end put us on hold, or took us off hold, by a re-INVITE of its own.</summary>
    public sealed record ReportRemoteHold(ParticipantId ParticipantId, bool Held, DateTimeOffset At) : MediaFact;

    public sealed record ReportLegCommandFailed(
        ParticipantId ParticipantId,
        MediaOperation Command,
        int? SipStatus,
        string Detail,
        DateTimeOffset At) : MediaFact;

    public sealed record ReportLegEnded(
        ParticipantId ParticipantId,
        DisconnectReason Reason,
        int? SipStatus,
        Initiator Initiator,
        DateTimeOffset At) : MediaFact;

    public sealed record ReportDigitsReceived(ParticipantId ParticipantId, string Digits, DateTimeOffset At) : MediaFact;

    public sealed record ConfirmRecordingStarted(string Path, DateTimeOffset At) : MediaFact;

    public sealed record ConfirmRecordingStopped(DateTimeOffset At) : MediaFact;

    public sealed record ReportRecordingFailed(string Detail, DateTimeOffset At) : MediaFact;
}
