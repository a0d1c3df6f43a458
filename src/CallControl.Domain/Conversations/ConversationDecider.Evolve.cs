using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Domain.Conversations;

public static partial class ConversationDecider
{
    /// <summary>
    /// Applies one event. Strict: an event that cannot belong to the state throws, because it means the
    /// stream is corrupt or the decider has a bug, and silently skipping it would hide either.
    /// </summary>
    public static Conversation Evolve(Conversation state, ConversationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        return (state, @event) switch
        {
            (Conversation.NotStarted, ConversationStarted e) => new Conversation.Live(
                e.ConversationId,
                e.Direction,
                new DialTarget(e.To, e.From, e.CallerIdName, e.CustomerParticipantId),
                e.At),
            (Conversation.Live live, _) => EvolveLive(live, @event),
            _ => throw Unfit(state, @event),
        };
    }

    private static Conversation EvolveLive(Conversation.Live live, ConversationEvent @event) => @event switch
    {
        ParticipantAdded e => live with { Participants = live.Participants.Add(Added(e)) },
        MediaWorkerAssigned e => live with { MediaWorkerId = e.WorkerId },
        ParticipantAlerting e => Update(live, e.ParticipantId, p => p with { Status = ParticipantStatus.Alerting }),
        ParticipantConnected e => Connected(live, e),
        OfferAccepted e => Update(live, e.ParticipantId, p => p with
        {
            OfferAccepted = true,
            HasLeg = true,
            Pending = p.Pending.Add(new PendingChange(MediaOperation.Accept, e.At)),
        }),
        ParticipantHoldRequested e => Request(live, e.ParticipantId, MediaOperation.Hold, e.At),
        ParticipantHeld e => Confirm(live, e.ParticipantId, MediaOperation.Hold, p => p with { Held = true }),
        ParticipantResumeRequested e => Request(live, e.ParticipantId, MediaOperation.Resume, e.At),
        ParticipantResumed e => Confirm(live, e.ParticipantId, MediaOperation.Resume, p => p with { Held = false }),
        ParticipantMuteRequested e => Request(live, e.ParticipantId, MediaOperation.Mute, e.At),
        ParticipantMuted e => Confirm(live, e.ParticipantId, MediaOperation.Mute, p => p with { Muted = true }),
        ParticipantUnmuteRequested e => Request(live, e.ParticipantId, MediaOperation.Unmute, e.At),
        ParticipantUnmuted e => Confirm(live, e.ParticipantId, MediaOperation.Unmute, p => p with { Muted = false }),
        ParticipantRemoteHeld e => Update(live, e.ParticipantId, p => p with { RemoteHeld = true }),
        ParticipantRemoteResumed e => Update(live, e.ParticipantId, p => p with { RemoteHeld = false }),
        ParticipantCommandFailed e => Confirm(live, e.ParticipantId, e.Command, p => p),
        DigitsSendRequested or DigitsReceived => live,
        TransferRequested e => Request(
            live with
            {
                Transfer = new TransferInProgress(
                    e.Kind,
                    e.TransferringParticipantId,
                    e.TargetParticipantId,
                    e.PeerParticipantId,
                    e.To,
                    TransferPhase.InProgress,
                    e.At,
                    e.RequestedBy),
            },
            e.TransferringParticipantId,
            MediaOperation.Transfer,
            e.At),
        TransferCompleteRequested => live with { Transfer = CurrentTransfer(live, @event) with { Phase = TransferPhase.Completing } },
        TransferCancelRequested => live with { Transfer = CurrentTransfer(live, @event) with { Phase = TransferPhase.Cancelling } },
        TransferCompleted or TransferFailed => Confirm(
            live with { Transfer = null },
            CurrentTransfer(live, @event).TransferringParticipantId,
            MediaOperation.Transfer,
            p => p),
        RecordingStartRequested e => live with
        {
            Recording = live.Recording with { Pending = live.Recording.Pending.Add(new RecordingRequest(true, e.At)) },
        },
        RecordingStarted e => live with
        {
            Recording = new RecordingState(true, e.Path, live.Recording.Pending.RemoveFirst(r => r.Enable)),
        },
        RecordingStopRequested e => live with
        {
            Recording = live.Recording with { Pending = live.Recording.Pending.Add(new RecordingRequest(false, e.At)) },
        },
        RecordingStopped => live with
        {
            Recording = live.Recording with { Enabled = false, Pending = live.Recording.Pending.RemoveFirst(r => !r.Enable) },
        },
        RecordingFailed => live with
        {
            Recording = live.Recording with { Pending = live.Recording.Pending.RemoveFirst(_ => true) },
        },
        ParticipantEndRequested e => Update(live, e.ParticipantId, p => p with
        {
            EndRequest = new EndRequest(e.Reason, e.Initiator, e.At),
            Pending = p.Pending.Add(new PendingChange(MediaOperation.End, e.At)),
        }),
        ParticipantDisconnected e => Update(live, e.ParticipantId, p => p with
        {
            Status = ParticipantStatus.Disconnected,
            EndedAt = e.At,
            DisconnectReason = e.Reason,
            SipStatus = e.SipStatus,
            Initiator = e.Initiator,
            Pending = [],
        }),

        // The recorder and any transfer stop with the call; what was recorded stays at Path.
        ConversationEnded e => new Conversation.Ended(
            live with { Transfer = null, Recording = live.Recording with { Enabled = false, Pending = [] } },
            e.At),
        _ => throw Unfit(live, @event),
    };

    /// <summary>
    /// A consult is set up once its target answers: the transferring participant's transfer stops being pending
    /// then. Completing or cancelling it is a new request of the agent's, not the media layer's to confirm, so a
    /// request waiting for confirmation (<c>Prefer: wait</c>) is answered at the answer and not held until then.
    /// </summary>
    private static Conversation.Live Connected(Conversation.Live live, ParticipantConnected e)
    {
        var connected = Update(live, e.ParticipantId, p => p with
        {
            Status = ParticipantStatus.Connected,
            ConnectedAt = e.At,
            Pending = p.Pending.RemoveAll(c => c.Command is MediaOperation.Place or MediaOperation.Accept),
        });
        return live.Transfer is { Kind: TransferKind.Consult } consult && consult.TargetParticipantId == e.ParticipantId
            ? Confirm(connected, consult.TransferringParticipantId, MediaOperation.Transfer, p => p)
            : connected;
    }

    private static Participant Added(ParticipantAdded e) => new()
    {
        Id = e.ParticipantId,
        Role = e.Role,
        AgentId = e.AgentId,
        Address = e.Address,
        Direction = e.Direction,
        Status = e.Status,
        HasLeg = e.HasLeg,
        IsOffer = e.IsOffer,
        AutoAnswer = e.AutoAnswer,
        AddedAt = e.At,
        Pending = e.HasLeg && e.Status == ParticipantStatus.Dialing ? [new PendingChange(MediaOperation.Place, e.At)] : [],
    };

    private static Conversation.Live Update(Conversation.Live live, ParticipantId id, Func<Participant, Participant> change)
    {
        var index = live.Participants.FindIndex(p => p.Id == id);
        if (index < 0)
        {
            throw new InvalidOperationException($"Participant {id} does not exist in conversation {live.Id}.");
        }

        return live with { Participants = live.Participants.SetItem(index, change(live.Participants[index])) };
    }

    private static Conversation.Live Request(Conversation.Live live, ParticipantId id, MediaOperation command, DateTimeOffset at) =>
        Update(live, id, p => p with { Pending = p.Pending.Add(new PendingChange(command, at)) });

    /// <summary>Settles the oldest pending change of that kind (the media layer acts on them in order).</summary>
    private static Conversation.Live Confirm(
        Conversation.Live live,
        ParticipantId id,
        MediaOperation command,
        Func<Participant, Participant> change) =>
        Update(live, id, p => change(p with { Pending = p.Pending.RemoveFirst(c => c.Command == command) }));

    private static TransferInProgress CurrentTransfer(Conversation.Live live, ConversationEvent @event) =>
        live.Transfer ?? throw Unfit(live, @event);

    private static InvalidOperationException Unfit(Conversation state, ConversationEvent @event) =>
        new($"{@event.GetType().Name} cannot be applied to a {state.GetType().Name} conversation.");
}
