using CallControl.Domain.Agents;

namespace CallControl.Domain.Conversations;

/// <summary>
/// What can be asked of a conversation. Ids of anything new are generated at the edge and carried in the
/// command, and <see cref="At"/> is the edge's clock, so deciding is deterministic.
/// </summary>
public abstract partial record ConversationCommand
{
    private ConversationCommand()
    {
    }

    public abstract DateTimeOffset At { get; init; }

    /// <summary>Click-to-dial: the agent's station is called first; the customer once the agent answers.</summary>
    public sealed record StartOutboundConversation(
        ConversationId ConversationId,
        ParticipantId AgentParticipantId,
        AgentId AgentId,
        string StationUri,
        bool AutoAnswer,
        string To,
        string? From,
        string? CallerIdName,
        ParticipantId CustomerParticipantId,
        DateTimeOffset At) : ConversationCommand
    {
        /// <summary>The worker chosen to carry the legs, when one was known to be alive.</summary>
        public string? MediaWorkerId { get; init; }
    }

    /// <param name="To">The number the customer dialled.</param>
    public sealed record ReceiveInboundCall(
        ConversationId ConversationId,
        ParticipantId CustomerParticipantId,
        string From,
        string To,
        string? CallerIdName,
        DateTimeOffset At) : ConversationCommand
    {
        /// <summary>The worker that received the call and owns its leg.</summary>
        public string? MediaWorkerId { get; init; }
    }

    /// <summary>Names the worker that carries the conversation's legs. The first assignment stands; repeats decide nothing.</summary>
    public sealed record AssignMediaWorker(string WorkerId, DateTimeOffset At) : ConversationCommand;

    public sealed record OfferToAgent(ParticipantId ParticipantId, AgentId AgentId, string StationUri, DateTimeOffset At) : ConversationCommand;

    public sealed record AcceptOffer(ParticipantId ParticipantId, DateTimeOffset At) : ConversationCommand;

    public sealed record RejectOffer(ParticipantId ParticipantId, DisconnectReason? Reason, DateTimeOffset At) : ConversationCommand;

    /// <summary>Issued by the offer timer, so a late one is harmless.</summary>
    public sealed record ExpireOffer(ParticipantId ParticipantId, DateTimeOffset At) : ConversationCommand;

    public sealed record HoldParticipant(ParticipantId ParticipantId, bool Music, DateTimeOffset At) : ConversationCommand;

    public sealed record ResumeParticipant(ParticipantId ParticipantId, DateTimeOffset At) : ConversationCommand;

    public sealed record MuteParticipant(ParticipantId ParticipantId, DateTimeOffset At) : ConversationCommand;

    public sealed record UnmuteParticipant(ParticipantId ParticipantId, DateTimeOffset At) : ConversationCommand;

    /// <param name="ParticipantId">The participant to replace (blind) or that consults (consult).</param>
    /// <param name="TargetParticipantId">The id the new participant for <paramref name="To"/> gets.</param>
    /// <param name="ByFarEnd">The participant's own far end asked for it (SIP REFER), not a request through the API.</param>
    public sealed record TransferParticipant(
        ParticipantId ParticipantId,
        string To,
        TransferKind Kind,
        ParticipantId TargetParticipantId,
        DateTimeOffset At,
        bool ByFarEnd = false) : ConversationCommand;

    public sealed record CompleteTransfer(ParticipantId ParticipantId, DateTimeOffset At) : ConversationCommand;

    public sealed record CancelTransfer(ParticipantId ParticipantId, DateTimeOffset At) : ConversationCommand;

    public sealed record SendDigits(ParticipantId ParticipantId, string Digits, DateTimeOffset At) : ConversationCommand;

    public sealed record SetRecording(bool Enabled, DateTimeOffset At) : ConversationCommand;

    public sealed record EndParticipant(ParticipantId ParticipantId, DisconnectReason? Reason, Initiator Initiator, DateTimeOffset At) : ConversationCommand;

    public sealed record EndConversation(Initiator Initiator, DateTimeOffset At) : ConversationCommand;
}
