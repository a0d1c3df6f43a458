namespace CallControl.Domain.Conversations;

public abstract partial record ConversationEvent
{
    /// <summary>The media worker that carries this conversation's legs; every media command for it goes there.</summary>
    public sealed record MediaWorkerAssigned(string WorkerId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantHoldRequested(ParticipantId ParticipantId, bool Music, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantHeld(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantResumeRequested(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantResumed(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantMuteRequested(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantMuted(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantUnmuteRequested(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantUnmuted(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantRemoteHeld(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    public sealed record ParticipantRemoteResumed(ParticipantId ParticipantId, DateTimeOffset At) : ConversationEvent;

    /// <summary>The media layer could not carry out <paramref name="Command"/>; the pending change is dropped.</summary>
    public sealed record ParticipantCommandFailed(
        ParticipantId ParticipantId,
        MediaOperation Command,
        int? SipStatus,
        string Detail,
        DateTimeOffset At) : ConversationEvent;

    public sealed record DigitsSendRequested(ParticipantId ParticipantId, string Digits, DateTimeOffset At) : ConversationEvent;

    public sealed record DigitsReceived(ParticipantId ParticipantId, string Digits, DateTimeOffset At) : ConversationEvent;
}
