namespace CallControl.Domain.Tests.Agents;

/// <summary>Inbound conversations for agent a1 at chosen times, and folding helpers for desk tests.</summary>
internal static class Desks
{
    public static readonly ConversationId Conversation2 = new("c-2");

    public static ConversationEvent[] Offered(ConversationId id, int start) =>
    [
        History.InboundStarted with { ConversationId = id, At = T(start) },
        History.CustomerCalling with { At = T(start) },
        History.AgentOffered with { At = T(start + 1) },
    ];

    public static ConversationEvent[] Connected(ConversationId id, int start) =>
    [
        .. Offered(id, start),
        new OfferAccepted(Agent, T(start + 2)),
        new ParticipantConnected(Agent, T(start + 3)),
        new ParticipantConnected(Customer, T(start + 4)),
    ];

    public static ConversationEvent[] CustomerHeld(ConversationId id, int start) =>
    [
        .. Connected(id, start),
        new ParticipantHoldRequested(Customer, true, T(start + 5)),
        new ParticipantHeld(Customer, T(start + 6)),
    ];

    public static Conversation.Started Fold(IEnumerable<ConversationEvent> events) =>
        ConversationDecider.Fold(events).ShouldBeAssignableTo<Conversation.Started>()!;

    /// <summary>A desk entry as the projection would have made it at the time of the last event.</summary>
    public static DeskEntry Entry(ConversationEvent[] events)
    {
        var conversation = Fold(events);
        var agent = conversation.FindParticipant(Agent)!;
        return new DeskEntry(conversation.Id, events.Length, conversation, agent, events[^1].At, agent.ConnectedAt);
    }
}
