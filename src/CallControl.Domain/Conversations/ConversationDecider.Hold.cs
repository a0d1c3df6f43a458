using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    /// <summary>
    /// Judged against where the participant ends up once pending changes are confirmed, so hold after a
    /// pending resume is a new request while hold after a pending hold is a repeat.
    /// </summary>
    private static void Hold(HoldParticipant c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        RequireActive(participant);
        if (!participant.IntendsHeld)
        {
            RequireRoomForChange(participant);
            d.Emit(new ParticipantHoldRequested(participant.Id, c.Music, d.At));
        }
    }

    private static void Resume(ResumeParticipant c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        RequireActive(participant);
        if (participant.IntendsHeld)
        {
            RequireRoomForChange(participant);
            d.Emit(new ParticipantResumeRequested(participant.Id, d.At));
        }
    }
}
