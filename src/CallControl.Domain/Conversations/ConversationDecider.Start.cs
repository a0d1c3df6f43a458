using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationEvent;
using static CallControl.Domain.Conversations.ConversationRuleViolation;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    /// <summary>
    /// Outbound starts with the agent's station only; the customer is dialled once the agent answers (see
    /// <see cref="Answered"/>), so a customer never hears silence while an agent's phone rings.
    /// </summary>
    private static IReadOnlyList<ConversationEvent> DecideStart(ConversationCommand command) => command switch
    {
        StartOutboundConversation c =>
        [
            new ConversationStarted(c.ConversationId, ConversationDirection.Outbound, c.To, c.From, c.CallerIdName, c.CustomerParticipantId, c.At),
            new ParticipantAdded(
                c.AgentParticipantId,
                ParticipantRole.Agent,
                c.AgentId,
                c.StationUri,
                ConversationDirection.Outbound,
                ParticipantStatus.Dialing,
                HasLeg: true,
                IsOffer: false,
                AutoAnswer: c.AutoAnswer,
                c.At),
        ],
        ReceiveInboundCall c =>
        [
            new ConversationStarted(c.ConversationId, ConversationDirection.Inbound, c.To, c.From, c.CallerIdName, null, c.At),
            new ParticipantAdded(
                c.CustomerParticipantId,
                ParticipantRole.Customer,
                null,
                c.From,
                ConversationDirection.Inbound,
                ParticipantStatus.Alerting,
                HasLeg: true,
                IsOffer: false,
                AutoAnswer: false,
                c.At),
        ],
        _ => throw ConversationNotFound(),
    };
}
