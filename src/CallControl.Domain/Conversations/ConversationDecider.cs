using static CallControl.Domain.Conversations.ConversationCommand;
using static CallControl.Domain.Conversations.ConversationRuleViolation;

namespace CallControl.Domain.Conversations;

/// <summary>
/// The conversation's rules: <see cref="Decide"/> turns a command into events (none when the command is a
/// repeat or a stale fact), <see cref="Evolve"/> folds events into state. Split into partial files by concern.
/// </summary>
public static partial class ConversationDecider
{
    /// <exception cref="ConversationRuleViolation">The command does not fit the state.</exception>
    public static IReadOnlyList<ConversationEvent> Decide(ConversationCommand command, Conversation state)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(state);
        return state switch
        {
            Conversation.NotStarted => DecideStart(command),
            Conversation.Live live => DecideLive(command, new Decision(live, command.At)),
            Conversation.Ended ended => DecideEnded(command, ended),
            _ => throw new ArgumentOutOfRangeException(nameof(state), state.GetType().Name, "Unknown conversation state."),
        };
    }

    public static Conversation Fold(IEnumerable<ConversationEvent> events) => Fold(Conversation.Initial, events);

    public static Conversation Fold(Conversation state, IEnumerable<ConversationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var @event in events)
        {
            state = Evolve(state, @event);
        }

        return state;
    }

    private static IReadOnlyList<ConversationEvent> DecideLive(ConversationCommand command, Decision decision)
    {
        switch (command)
        {
            case StartOutboundConversation or ReceiveInboundCall:
                break;
            case AssignMediaWorker c:
                AssignWorker(c, decision);
                break;
            case OfferToAgent c:
                Offer(c, decision);
                break;
            case AcceptOffer c:
                Accept(c, decision);
                break;
            case RejectOffer c:
                Reject(c, decision);
                break;
            case ExpireOffer c:
                Expire(c, decision);
                break;
            case HoldParticipant c:
                Hold(c, decision);
                break;
            case ResumeParticipant c:
                Resume(c, decision);
                break;
            case MuteParticipant c:
                Mute(c, decision);
                break;
            case UnmuteParticipant c:
                Unmute(c, decision);
                break;
            case TransferParticipant c:
                Transfer(c, decision);
                break;
            case CompleteTransfer c:
                Complete(c, decision);
                break;
            case CancelTransfer c:
                Cancel(c, decision);
                break;
            case SendDigits c:
                Send(c, decision);
                break;
            case SetRecording c:
                Record(c, decision);
                break;
            case EndParticipant c:
                End(c, decision);
                break;
            case EndConversation c:
                EndAll(c, decision);
                break;
            case MediaFact fact:
                Observe(fact, decision);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown command.");
        }

        return decision.Events;
    }

    /// <summary>
    /// An ended conversation is final: repeats of what ended it decide nothing, late media facts decide
    /// nothing, anything else is refused. Offer rejections and expiries are no-ops too, because the offer
    /// was withdrawn when the conversation ended and the agent or the timer may simply be late.
    /// </summary>
    private static IReadOnlyList<ConversationEvent> DecideEnded(ConversationCommand command, Conversation.Ended ended)
    {
        switch (command)
        {
            case MediaFact:
            case AssignMediaWorker:
            case StartOutboundConversation or ReceiveInboundCall:
            case EndConversation:
                return [];
            case EndParticipant c:
                Find(ended, c.ParticipantId);
                return [];
            case ExpireOffer c:
                Find(ended, c.ParticipantId);
                return [];
            case RejectOffer c when Find(ended, c.ParticipantId).IsOffer:
                return [];
            default:
                throw InvalidState("conversation is ended");
        }
    }

    private static Participant Find(Conversation.Started state, ParticipantId id) =>
        state.FindParticipant(id) ?? throw ParticipantNotFound(id);

    /// <summary>Only a connected participant that is not on its way out can be held, muted, transferred, sent digits.</summary>
    /// <summary>
    /// Media changes (hold, resume, mute, unmute) a participant may have waiting for the media worker at once;
    /// one more is refused, so a worker that does not answer cannot make a conversation grow without bound.
    /// </summary>
    public const int MaxPendingChanges = 8;

    private static void RequireRoomForChange(Participant participant)
    {
        if (participant.Pending.Count >= MaxPendingChanges)
        {
            throw InvalidState($"participant {participant.Id} has {participant.Pending.Count} changes waiting for media (at most {MaxPendingChanges})");
        }
    }

    private static void RequireActive(Participant participant)
    {
        if (participant.Status != ParticipantStatus.Connected)
        {
            throw InStatus(participant);
        }

        if (participant.IsEnding)
        {
            throw InvalidState($"participant {participant.Id} is ending");
        }
    }

    private static ConversationRuleViolation InStatus(Participant participant) =>
        InvalidState($"participant {participant.Id} is {Wire(participant.Status)}");

    private static string Wire(ParticipantStatus status) => status switch
    {
        ParticipantStatus.Dialing => "dialing",
        ParticipantStatus.Alerting => "alerting",
        ParticipantStatus.Connected => "connected",
        ParticipantStatus.Disconnected => "disconnected",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Who is on record for what a participant's own request set off (a transfer drops the transferring party).</summary>
    private static Initiator InitiatorFor(Participant participant) =>
        participant.Role == ParticipantRole.Agent ? Initiator.Agent : Initiator.System;

    /// <summary>The participant's far end, as the initiator of what it asked for on the wire (a REFER).</summary>
    private static Initiator FarEnd(Participant participant) => participant.Role switch
    {
        ParticipantRole.Agent => Initiator.Agent,
        ParticipantRole.Customer => Initiator.Customer,
        _ => Initiator.External,
    };

    /// <summary>
    /// Accumulates one decision: every emitted event is evolved at once, so follow-up rules (a transfer's
    /// outcome, the last participant left alone, the end of the conversation) read the state they create.
    /// </summary>
    private sealed class Decision(Conversation.Live initial, DateTimeOffset at)
    {
        private readonly List<ConversationEvent> _events = [];

        public Conversation.Started State { get; private set; } = initial;

        public DateTimeOffset At { get; } = at;

        public bool IsLive => State is Conversation.Live;

        public IReadOnlyList<ConversationEvent> Events => _events.ToArray();

        public Participant Get(ParticipantId id) => Find(State, id);

        public void Emit(ConversationEvent @event)
        {
            _events.Add(@event);
            State = (Conversation.Started)Evolve(State, @event);
        }
    }
}
