namespace CallControl.Domain.Tests.Conversations;

/// <summary>Event histories of conversations in well-known states, written out literally.</summary>
internal static class History
{
    public static ConversationStarted OutboundStarted =>
        new(Conversation1, ConversationDirection.Outbound, CustomerNumber, CompanyNumber, "Acme Support", Customer, T(0));

    public static ParticipantAdded AgentDialing =>
        new(Agent, ParticipantRole.Agent, AgentA1, Station1, ConversationDirection.Outbound, ParticipantStatus.Dialing, true, false, false, T(0));

    public static ParticipantAdded CustomerDialing =>
        new(Customer, ParticipantRole.Customer, null, CustomerNumber, ConversationDirection.Outbound, ParticipantStatus.Dialing, true, false, false, T(2));

    public static ConversationStarted InboundStarted =>
        new(Conversation1, ConversationDirection.Inbound, CompanyNumber, CustomerNumber, "Jane Doe", null, T(0));

    public static ParticipantAdded CustomerCalling =>
        new(Customer, ParticipantRole.Customer, null, CustomerNumber, ConversationDirection.Inbound, ParticipantStatus.Alerting, true, false, false, T(0));

    public static ParticipantAdded AgentOffered =>
        new(Agent, ParticipantRole.Agent, AgentA1, Station1, ConversationDirection.Outbound, ParticipantStatus.Alerting, false, true, false, T(1));

    public static ParticipantAdded OtherAgentOffered =>
        new(OtherAgent, ParticipantRole.Agent, AgentA2, Station2, ConversationDirection.Outbound, ParticipantStatus.Alerting, false, true, false, T(1));

    public static ParticipantAdded TargetDialing =>
        new(Target, ParticipantRole.External, null, TargetUri, ConversationDirection.Outbound, ParticipantStatus.Dialing, true, false, false, T(20));

    /// <summary>Click-to-dial, the agent's station ringing.</summary>
    public static ConversationEvent[] OutboundDialing => [OutboundStarted, AgentDialing];

    /// <summary>The agent answered; the customer is being dialled.</summary>
    public static ConversationEvent[] OutboundAgentAnswered =>
        [.. OutboundDialing, new ParticipantConnected(Agent, T(2)), CustomerDialing];

    public static ConversationEvent[] OutboundConnected =>
        [.. OutboundAgentAnswered, new ParticipantConnected(Customer, T(5))];

    /// <summary>An inbound call waiting for routing.</summary>
    public static ConversationEvent[] InboundAlerting => [InboundStarted, CustomerCalling];

    public static ConversationEvent[] InboundOffered => [.. InboundAlerting, AgentOffered];

    public static ConversationEvent[] InboundAccepted => [.. InboundOffered, new OfferAccepted(Agent, T(3))];

    public static ConversationEvent[] InboundConnected =>
        [.. InboundAccepted, new ParticipantConnected(Agent, T(4)), new ParticipantConnected(Customer, T(5))];

    public static ConversationEvent[] OutboundEnding =>
        [.. OutboundConnected, new ParticipantEndRequested(Agent, null, Initiator.Agent, T(30))];

    public static ConversationEvent[] Ended =>
    [
        .. OutboundConnected,
        new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(30)),
        new ParticipantEndRequested(Agent, null, Initiator.Customer, T(30)),
        new ParticipantDisconnected(Agent, DisconnectReason.Success, null, Initiator.Customer, T(31)),
        new ConversationEnded(T(31)),
    ];

    public static ConversationEvent[] CustomerHeld =>
        [.. OutboundConnected, new ParticipantHoldRequested(Customer, true, T(10)), new ParticipantHeld(Customer, T(11))];

    public static ConversationEvent[] CustomerMuted =>
        [.. OutboundConnected, new ParticipantMuteRequested(Customer, T(10)), new ParticipantMuted(Customer, T(11))];

    public static ConversationEvent[] BlindTransferRinging =>
    [
        .. OutboundConnected,
        new TransferRequested(TransferKind.Blind, Agent, Target, Customer, TargetUri, T(20)),
        TargetDialing,
    ];

    public static ConversationEvent[] ConsultRinging =>
    [
        .. OutboundConnected,
        new TransferRequested(TransferKind.Consult, Agent, Target, Customer, TargetUri, T(20)),
        new ParticipantHoldRequested(Customer, true, T(20)),
        TargetDialing,
    ];

    public static ConversationEvent[] ConsultConnected =>
        [.. ConsultRinging, new ParticipantHeld(Customer, T(21)), new ParticipantConnected(Target, T(25))];

    public static ConversationEvent[] ConsultCompleting =>
    [
        .. ConsultConnected,
        new TransferCompleteRequested(Agent, T(40)),
        new ParticipantResumeRequested(Customer, T(40)),
        new ParticipantEndRequested(Agent, DisconnectReason.Transfer, Initiator.Agent, T(40)),
    ];

    public static ConversationEvent[] ConsultCancelling =>
    [
        .. ConsultConnected,
        new TransferCancelRequested(Agent, T(40)),
        new ParticipantEndRequested(Target, DisconnectReason.Cancel, Initiator.Agent, T(40)),
        new ParticipantResumeRequested(Customer, T(40)),
    ];

    public static ConversationEvent[] RecordingOn =>
        [.. OutboundConnected, new RecordingStartRequested(T(10)), new RecordingStarted("/rec/c-1.wav", T(11))];
}
