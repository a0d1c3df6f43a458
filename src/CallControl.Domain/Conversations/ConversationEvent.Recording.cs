namespace CallControl.Domain.Conversations;

public abstract partial record ConversationEvent
{
    public sealed record RecordingStartRequested(DateTimeOffset At) : ConversationEvent;

    public sealed record RecordingStarted(string Path, DateTimeOffset At) : ConversationEvent;

    public sealed record RecordingStopRequested(DateTimeOffset At) : ConversationEvent;

    public sealed record RecordingStopped(DateTimeOffset At) : ConversationEvent;

    /// <summary>The oldest pending start or stop did not happen.</summary>
    public sealed record RecordingFailed(string Detail, DateTimeOffset At) : ConversationEvent;
}
