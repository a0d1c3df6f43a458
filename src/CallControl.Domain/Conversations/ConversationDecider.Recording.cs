using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    /// <summary>Recording may be switched on before anyone answers, so the whole call is captured.</summary>
    private static void Record(SetRecording c, Decision d)
    {
        if (d.State.Recording.Intended == c.Enabled)
        {
            return;
        }

        d.Emit(c.Enabled ? new RecordingStartRequested(d.At) : new RecordingStopRequested(d.At));
    }

    private static void RecordingConfirmedStarted(ConfirmRecordingStarted c, Decision d)
    {
        if (d.State.Recording.Pending.FindIndex(r => r.Enable) >= 0)
        {
            d.Emit(new RecordingStarted(c.Path, d.At));
        }
    }

    private static void RecordingConfirmedStopped(Decision d)
    {
        if (d.State.Recording.Pending.FindIndex(r => !r.Enable) >= 0)
        {
            d.Emit(new RecordingStopped(d.At));
        }
    }

    private static void RecordingReportedFailed(string detail, Decision d)
    {
        if (d.State.Recording.Pending.Count > 0)
        {
            d.Emit(new RecordingFailed(detail, d.At));
        }
    }
}
