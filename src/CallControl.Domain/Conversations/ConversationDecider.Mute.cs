using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    private static void Mute(MuteParticipant c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        RequireActive(participant);
        if (!participant.IntendsMuted)
        {
            RequireRoomForChange(participant);
            d.Emit(new ParticipantMuteRequested(participant.Id, d.At));
        }
    }

    private static void Unmute(UnmuteParticipant c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        RequireActive(participant);
        if (participant.IntendsMuted)
        {
            RequireRoomForChange(participant);
            d.Emit(new ParticipantUnmuteRequested(participant.Id, d.At));
        }
    }
}
