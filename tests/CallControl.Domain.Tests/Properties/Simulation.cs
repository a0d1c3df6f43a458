namespace CallControl.Domain.Tests.Properties;

/// <summary>
/// Plays a script against three conversation slots shared by two agents (an ended conversation makes room
/// for a new one). Each script entry seeds one step: it picks a conversation, lists the commands and media
/// facts that make sense in its current state (CRM commands, confirmations and failures of pending changes,
/// hang-ups by either side, offers, expiries, transfers, late duplicates), picks one with weights that favour
/// progress over hang-ups, and decides it. Everything decided is kept for the properties.
/// </summary>
internal sealed class Simulation
{
    private const int Likely = 6;
    private const int Sometimes = 3;
    private const int Rarely = 1;

    private static readonly AgentId[] Agents = [new("a1"), new("a2")];
    private static readonly DisconnectReason[] FailedCallReasons =
        [DisconnectReason.Busy, DisconnectReason.Timeout, DisconnectReason.Decline, DisconnectReason.FailedTransport, DisconnectReason.Gone];

    private readonly ConversationId[] _slots = new ConversationId[3];
    private readonly Dictionary<ConversationId, Conversation> _states = [];
    private readonly Dictionary<ConversationId, List<ConversationEvent>> _streams = [];
    private readonly List<Step> _steps = [];
    private DateTimeOffset _clock = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private int _nextConversation;
    private int _nextParticipant;

    private Simulation()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = NewConversation();
        }
    }

    public IReadOnlyList<Step> Steps => _steps;

    public IReadOnlyDictionary<ConversationId, Conversation> States => _states;

    public IReadOnlyDictionary<ConversationId, List<ConversationEvent>> Streams => _streams;

    public int Rejected { get; private set; }

    public static Simulation Run(IEnumerable<int> script)
    {
        var simulation = new Simulation();
        foreach (var seed in script)
        {
            simulation.Play(new Random(seed));
        }

        return simulation;
    }

    private void Play(Random dice)
    {
        _clock = _clock.AddSeconds(1 + dice.Next(5));
        var slot = dice.Next(_slots.Length);
        var conversationId = _slots[slot];

        // An ended conversation mostly makes room for a new one; now and then it gets a late fact or repeat.
        if (_states[conversationId] is Conversation.Ended && dice.Next(4) > 0)
        {
            conversationId = _slots[slot] = NewConversation();
        }

        var before = _states[conversationId];
        var command = Pick(Candidates(conversationId, before, dice), dice);
        IReadOnlyList<ConversationEvent> events;
        try
        {
            events = ConversationDecider.Decide(command, before);
        }
        catch (ConversationRuleViolation)
        {
            Rejected++;
            return;
        }

        var after = ConversationDecider.Fold(before, events);
        _states[conversationId] = after;
        _streams[conversationId].AddRange(events);
        _steps.Add(new Step(conversationId, command, before, events, after, _streams[conversationId].Count));
    }

    private static ConversationCommand Pick(List<(int Weight, ConversationCommand Command)> candidates, Random dice)
    {
        var roll = dice.Next(candidates.Sum(c => c.Weight));
        foreach (var (weight, command) in candidates)
        {
            roll -= weight;
            if (roll < 0)
            {
                return command;
            }
        }

        throw new InvalidOperationException("No candidate picked.");
    }

    private List<(int, ConversationCommand)> Candidates(ConversationId conversationId, Conversation state, Random dice)
    {
        var at = _clock;
        if (state is not Conversation.Started started)
        {
            var agent = Agents[dice.Next(Agents.Length)];
            return
            [
                (Likely, new StartOutboundConversation(conversationId, NewId(), agent, Station(agent), dice.Next(2) == 0, "+15551230000", null, null, NewId(), at)),
                (Likely, new ReceiveInboundCall(conversationId, NewId(), "+15551239999", "+18005550100", "Caller", at)
                {
                    MediaWorkerId = dice.Next(2) == 0 ? "worker-1" : null,
                }),
                (Rarely, new ConfirmLegAnswered(NewId(), at)),
            ];
        }

        var candidates = new List<(int, ConversationCommand)>();
        foreach (var p in started.Participants)
        {
            AddParticipantCandidates(candidates, started, p, dice, at);
        }

        if (started.Direction == ConversationDirection.Inbound)
        {
            var agent = Agents[dice.Next(Agents.Length)];
            candidates.Add((Sometimes, new OfferToAgent(NewId(), agent, Station(agent), at)));
        }

        candidates.Add((Rarely, new SetRecording(dice.Next(2) == 0, at)));
        candidates.Add((Rarely, new AssignMediaWorker(dice.Next(2) == 0 ? "worker-1" : "worker-2", at)));
        if (started.Recording.Pending.Count > 0)
        {
            candidates.Add((Sometimes, new ConfirmRecordingStarted($"/rec/{conversationId}.wav", at)));
            candidates.Add((Sometimes, new ConfirmRecordingStopped(at)));
            candidates.Add((Rarely, new ReportRecordingFailed("recorder failed", at)));
        }

        candidates.Add((Rarely, new EndConversation(dice.Next(2) == 0 ? Initiator.Agent : Initiator.System, at)));
        return candidates;
    }

    private void AddParticipantCandidates(
        List<(int, ConversationCommand)> candidates,
        Conversation.Started conversation,
        Participant p,
        Random dice,
        DateTimeOffset at)
    {
        var id = p.Id;
        var side = p.Role switch
        {
            ParticipantRole.Agent => Initiator.Agent,
            ParticipantRole.Customer => Initiator.Customer,
            _ => Initiator.External,
        };

        if (p.IsDisconnected)
        {
            candidates.Add((Rarely, new ReportLegEnded(id, DisconnectReason.Success, null, side, at)));
            candidates.Add((Rarely, new EndParticipant(id, null, Initiator.Agent, at)));
            return;
        }

        if (p.IsOffer && p.Status != ParticipantStatus.Connected)
        {
            candidates.Add((Likely, new AcceptOffer(id, at)));
            candidates.Add((Rarely, new RejectOffer(id, dice.Next(2) == 0 ? null : DisconnectReason.Busy, at)));
            candidates.Add((Rarely, new ExpireOffer(id, at)));
        }

        if (p.HasLeg && p.Status is ParticipantStatus.Dialing or ParticipantStatus.Alerting)
        {
            candidates.Add((Sometimes, new ConfirmLegAlerting(id, at)));
            candidates.Add((Likely, new ConfirmLegAnswered(id, at)));
            candidates.Add((Rarely, new ReportLegEnded(id, FailedCallReasons[dice.Next(FailedCallReasons.Length)], 486, side, at)));
        }

        if (p.Status == ParticipantStatus.Connected)
        {
            candidates.Add((Sometimes, new HoldParticipant(id, dice.Next(2) == 0, at)));
            candidates.Add((Sometimes, new ResumeParticipant(id, at)));
            candidates.Add((Rarely, new MuteParticipant(id, at)));
            candidates.Add((Rarely, new UnmuteParticipant(id, at)));
            candidates.Add((Rarely, new SendDigits(id, "5", at)));
            candidates.Add((Rarely, new ReportDigitsReceived(id, "7", at)));
            candidates.Add((Rarely, new ReportRemoteHold(id, dice.Next(2) == 0, at)));
            var kind = dice.Next(2) == 0 ? TransferKind.Blind : TransferKind.Consult;
            candidates.Add((Sometimes, new TransferParticipant(id, "sip:target@pbx.example.com", kind, NewId(), at)));
            candidates.Add((Rarely, new ReportLegEnded(id, DisconnectReason.Success, null, side, at)));
            candidates.Add((Rarely, new ReportLegEnded(id, DisconnectReason.Gone, null, Initiator.System, at)));
        }

        if (conversation.Transfer?.TransferringParticipantId == id)
        {
            candidates.Add((Likely, new CompleteTransfer(id, at)));
            candidates.Add((Sometimes, new CancelTransfer(id, at)));
        }

        foreach (var pending in p.Pending)
        {
            candidates.Add((Likely, Confirmation(id, pending.Command, at)));
            candidates.Add((Rarely, new ReportLegCommandFailed(id, pending.Command, dice.Next(2) == 0 ? null : 500, "media failed", at)));
        }

        candidates.Add((Rarely, new ReportLegCommandFailed(id, MediaOperation.Digits, null, "no telephone-event", at)));
        candidates.Add((Rarely, new EndParticipant(id, null, dice.Next(2) == 0 ? Initiator.Agent : Initiator.System, at)));
    }

    private static ConversationCommand Confirmation(ParticipantId id, MediaOperation command, DateTimeOffset at) => command switch
    {
        MediaOperation.Hold => new ConfirmLegHeld(id, at),
        MediaOperation.Resume => new ConfirmLegResumed(id, at),
        MediaOperation.Mute => new ConfirmLegMuted(id, at),
        MediaOperation.Unmute => new ConfirmLegUnmuted(id, at),
        MediaOperation.Place or MediaOperation.Accept => new ConfirmLegAnswered(id, at),
        _ => new ReportLegEnded(id, DisconnectReason.Success, null, Initiator.System, at),
    };

    private static string Station(AgentId agent) => $"sip:{agent}@desk.example.com";

    private ConversationId NewConversation()
    {
        var id = new ConversationId($"c-{++_nextConversation}");
        _states[id] = Conversation.Initial;
        _streams[id] = [];
        return id;
    }

    private ParticipantId NewId() => new($"p-{++_nextParticipant}");

    /// <param name="Version">The stream version after the step's events.</param>
    public sealed record Step(
        ConversationId ConversationId,
        ConversationCommand Command,
        Conversation Before,
        IReadOnlyList<ConversationEvent> Events,
        Conversation After,
        long Version);
}
