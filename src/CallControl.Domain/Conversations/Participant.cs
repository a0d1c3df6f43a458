using CallControl.Domain.Agents;

namespace CallControl.Domain.Conversations;

public sealed record Participant
{
    public required ParticipantId Id { get; init; }

    public required ParticipantRole Role { get; init; }

    public AgentId? AgentId { get; init; }

    /// <summary>A sip: URI, an E.164 number, or an agent's station URI.</summary>
    public required string Address { get; init; }

    public required ConversationDirection Direction { get; init; }

    public required ParticipantStatus Status { get; init; }

    /// <summary>
    /// A SIP leg exists or is being placed. An offer the agent has not accepted has none, so it can be
    /// withdrawn or expired without involving the media layer.
    /// </summary>
    public bool HasLeg { get; init; }

    /// <summary>An agent offered an inbound conversation (the contract's pending session).</summary>
    public bool IsOffer { get; init; }

    public bool OfferAccepted { get; init; }

    /// <summary>The station is asked to answer by itself (click-to-dial for an agent with auto-answer).</summary>
    public bool AutoAnswer { get; init; }

    /// <summary>We hold this participant's far end; true only once the media layer confirmed it.</summary>
    public bool Held { get; init; }

    public bool Muted { get; init; }

    /// <summary>The far end put us on hold (extension to the contract).</summary>
    public bool RemoteHeld { get; init; }

    public required DateTimeOffset AddedAt { get; init; }

    public DateTimeOffset? ConnectedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public DisconnectReason? DisconnectReason { get; init; }

    public int? SipStatus { get; init; }

    public Initiator? Initiator { get; init; }

    public EndRequest? EndRequest { get; init; }

    public ValueList<PendingChange> Pending { get; init; } = [];

    public bool IsDisconnected => Status == ParticipantStatus.Disconnected;

    /// <summary>Asked to leave and not gone yet: nothing else may be asked of this participant.</summary>
    public bool IsEnding => EndRequest is not null && !IsDisconnected;

    /// <summary>Whether the participant ends up held once every pending hold/resume is confirmed.</summary>
    public bool IntendsHeld => LastPendingOf(MediaOperation.Hold, MediaOperation.Resume) is { } last
        ? last == MediaOperation.Hold
        : Held;

    public bool IntendsMuted => LastPendingOf(MediaOperation.Mute, MediaOperation.Unmute) is { } last
        ? last == MediaOperation.Mute
        : Muted;

    public bool HasPending(MediaOperation command) => Pending.FindIndex(p => p.Command == command) >= 0;

    private MediaOperation? LastPendingOf(MediaOperation on, MediaOperation off)
    {
        for (var i = Pending.Count - 1; i >= 0; i--)
        {
            if (Pending[i].Command == on || Pending[i].Command == off)
            {
                return Pending[i].Command;
            }
        }

        return null;
    }
}
