using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    /// <summary>Never a repeat: pressing the same keys twice sends them twice. Retries are the idempotency key's job.</summary>
    private static void Send(SendDigits c, Decision d)
    {
        var participant = d.Get(c.ParticipantId);
        RequireActive(participant);
        d.Emit(new DigitsSendRequested(participant.Id, c.Digits, d.At));
    }
}
