namespace CallControl.Domain.Conversations;

/// <summary>
/// The state a conversation's events fold into. Closed: nothing outside this assembly creates a case,
/// so every state the API renders came out of <see cref="ConversationDecider.Evolve"/>.
/// </summary>
public abstract record Conversation
{
    private Conversation()
    {
    }

    public static Conversation Initial { get; } = new NotStarted();

    public sealed record NotStarted : Conversation;

    /// <summary>What a live and an ended conversation share: everything the read model renders.</summary>
    public abstract record Started : Conversation
    {
        private protected Started(ConversationId id, ConversationDirection direction, DialTarget dial, DateTimeOffset startedAt)
        {
            Id = id;
            Direction = direction;
            Dial = dial;
            StartedAt = startedAt;
        }

        public ConversationId Id { get; }

        public ConversationDirection Direction { get; }

        public DialTarget Dial { get; }

        public DateTimeOffset StartedAt { get; }

        public DateTimeOffset? EndedAt { get; private protected init; }

        public ValueList<Participant> Participants { get; init; } = [];

        public RecordingState Recording { get; init; } = RecordingState.Off;

        public TransferInProgress? Transfer { get; init; }

        /// <summary>The worker that owns the legs, once one was assigned (see <see cref="ConversationEvent.MediaWorkerAssigned"/>).</summary>
        public string? MediaWorkerId { get; init; }

        public ConversationStatus Status => this switch
        {
            Ended => ConversationStatus.Ended,
            _ when CountConnected() >= 2 => ConversationStatus.Connected,
            _ => ConversationStatus.Alerting,
        };

        public Participant? FindParticipant(ParticipantId id)
        {
            var index = Participants.FindIndex(p => p.Id == id);
            return index < 0 ? null : Participants[index];
        }

        private int CountConnected()
        {
            var count = 0;
            foreach (var participant in Participants)
            {
                if (participant.Status == ParticipantStatus.Connected)
                {
                    count++;
                }
            }

            return count;
        }
    }

    public sealed record Live : Started
    {
        internal Live(ConversationId id, ConversationDirection direction, DialTarget dial, DateTimeOffset startedAt)
            : base(id, direction, dial, startedAt)
        {
        }
    }

    /// <summary>Final: every participant is disconnected, and nothing decides anything on it any more.</summary>
    public sealed record Ended : Started
    {
        internal Ended(Live final, DateTimeOffset endedAt)
            : base(final)
        {
            EndedAt = endedAt;
        }
    }
}
