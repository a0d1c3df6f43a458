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
        StartOutboundConversation c => WithWorker(
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
        ], c.MediaWorkerId, c.At),
        ReceiveInboundCall c => WithWorker(
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
        ], c.MediaWorkerId, c.At),
        _ => throw ConversationNotFound(),
    };

    private static List<ConversationEvent> WithWorker(List<ConversationEvent> events, string? workerId, DateTimeOffset at)
    {
        if (workerId is not null)
        {
            events.Add(new MediaWorkerAssigned(workerId, at));
        }

        return events;
    }

    /// <summary>The first worker named keeps the legs: they live in its process and cannot move.</summary>
    private static void AssignWorker(AssignMediaWorker c, Decision d)
    {
        if (string.IsNullOrWhiteSpace(c.WorkerId))
        {
            throw new ArgumentException("A media worker id is not empty.", nameof(c));
        }

        if (d.State.MediaWorkerId is null)
        {
            d.Emit(new MediaWorkerAssigned(c.WorkerId, d.At));
        }
    }
}
