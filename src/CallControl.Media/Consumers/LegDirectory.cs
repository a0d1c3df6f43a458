using CallControl.Domain.Conversations;
using CallControl.Domain.Media;

namespace CallControl.Media.Consumers;

/// <summary>Where an inbound leg stands between its offer and the API's decision on it.</summary>
public enum LegRouting
{
    /// <summary>A leg we placed, or an offered leg the API rang or refused: no routing timeout applies.</summary>
    Taken,

    /// <summary>An offered call the API has not decided on yet.</summary>
    Offered,

    /// <summary>An offered call nobody took in time; it is being declined.</summary>
    Expired,
}

/// <summary>
/// One live leg as the bus knows it: its contract id (the participant's id), the engine's id for it, the
/// conversation it belongs to, and who its far end is.
/// </summary>
/// <param name="HangUpBy">The initiator of the <see cref="HangUpLeg"/> that asked to end it, reported on its end.</param>
public sealed record LegRecord(
    string LegId,
    string EngineLegId,
    string TenantId,
    string ConversationId,
    Initiator Party,
    LegRouting Routing,
    DateTimeOffset Since,
    Initiator? HangUpBy = null);

/// <summary>
/// Maps the contract's leg ids to the engine's and to their tenant and conversation, remembers the last
/// <see cref="Capacity"/> ended legs with their final fact, and the last <see cref="Capacity"/> command ids
/// seen. Shared by the command consumer and the fact pump, so every member takes one lock.
/// </summary>
public sealed class LegDirectory
{
    /// <summary>How many ended legs and how many command ids are remembered.</summary>
    public const int Capacity = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LegRecord> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byEngine = new(StringComparer.Ordinal);
    private readonly RecentSet<LegEnded> _ended = new(Capacity);
    private readonly RecentSet<bool> _commands = new(Capacity);

    /// <summary>Legs not yet ended.</summary>
    public int ActiveLegs
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>Notes a command id; false when it was seen already (the command is a repeat).</summary>
    public bool TryRecordCommand(string commandId)
    {
        ArgumentNullException.ThrowIfNull(commandId);
        lock (_gate)
        {
            return _commands.TryAdd(commandId, true);
        }
    }

    /// <summary>Adds a leg we are about to place (the engine's id is the leg's); false when the id is live or ended already.</summary>
    public bool TryAddPlaced(string legId, string tenantId, string conversationId, Initiator party, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_live.ContainsKey(legId) || _ended.Contains(legId))
            {
                return false;
            }

            Add(new LegRecord(legId, legId, tenantId, conversationId, party, LegRouting.Taken, at));
            return true;
        }
    }

    /// <summary>Adds an offered inbound leg under new ids (UUID v7) for the leg and its conversation; its tenant is not known yet.</summary>
    public LegRecord AddOffered(string engineLegId, DateTimeOffset at)
    {
        var leg = new LegRecord(
            Guid.CreateVersion7().ToString(), engineLegId, "", Guid.CreateVersion7().ToString(), Initiator.Customer, LegRouting.Offered, at);
        lock (_gate)
        {
            Add(leg);
        }

        return leg;
    }

    /// <summary>Adds the leg the engine places for a far end's REFER, in the referrer's conversation.</summary>
    public LegRecord AddTransferTarget(string engineLegId, LegRecord referrer, DateTimeOffset at)
    {
        var leg = new LegRecord(
            Guid.CreateVersion7().ToString(), engineLegId, referrer.TenantId, referrer.ConversationId, Initiator.External, LegRouting.Taken, at);
        lock (_gate)
        {
            Add(leg);
        }

        return leg;
    }

    public LegRecord? Find(string legId)
    {
        lock (_gate)
        {
            return _live.GetValueOrDefault(legId);
        }
    }

    public LegRecord? FindByEngine(string engineLegId)
    {
        lock (_gate)
        {
            return _byEngine.TryGetValue(engineLegId, out var legId) ? _live.GetValueOrDefault(legId) : null;
        }
    }

    /// <summary>The final fact of a leg that ended recently, or null.</summary>
    public LegEnded? FindEnded(string legId)
    {
        lock (_gate)
        {
            return _ended.TryGet(legId, out var ended) ? ended : null;
        }
    }

    /// <summary>
    /// Takes an offered leg into a conversation (or, with an empty tenant, only out of the routing timeout). Returns
    /// the leg as it was before, or null when it is not live.
    /// </summary>
    public LegRecord? Take(string legId, string tenantId, string conversationId, Initiator party)
    {
        lock (_gate)
        {
            if (!_live.TryGetValue(legId, out var leg))
            {
                return null;
            }

            var taken = leg with { Routing = leg.Routing == LegRouting.Offered ? LegRouting.Taken : leg.Routing };
            if (leg.TenantId.Length == 0 && tenantId.Length > 0)
            {
                taken = taken with { TenantId = tenantId, ConversationId = conversationId, Party = party };
            }

            _live[legId] = taken;
            return leg;
        }
    }

    /// <summary>Remembers who asked to end a leg, to report on its end.</summary>
    public void NoteHangUp(string legId, Initiator initiator)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(legId, out var leg))
            {
                _live[legId] = leg with { HangUpBy = initiator, Routing = leg.Routing == LegRouting.Offered ? LegRouting.Taken : leg.Routing };
            }
        }
    }

    /// <summary>Offered legs waiting since before <paramref name="offeredBefore"/>: marked expired and returned, to be declined.</summary>
    public IReadOnlyList<LegRecord> ExpireUnrouted(DateTimeOffset offeredBefore)
    {
        lock (_gate)
        {
            var expired = _live.Values.Where(leg => leg.Routing == LegRouting.Offered && leg.Since < offeredBefore).ToList();
            foreach (var leg in expired)
            {
                _live[leg.LegId] = leg with { Routing = LegRouting.Expired };
            }

            return expired;
        }
    }

    /// <summary>The leg is over: it is forgotten as live and remembered with its final fact.</summary>
    public void End(LegRecord leg, LegEnded fact)
    {
        lock (_gate)
        {
            _live.Remove(leg.LegId);
            _byEngine.Remove(leg.EngineLegId);
            _ended.TryAdd(leg.LegId, fact);
        }
    }

    private void Add(LegRecord leg)
    {
        _live.Add(leg.LegId, leg);
        _byEngine[leg.EngineLegId] = leg.LegId;
    }

    /// <summary>The last <c>capacity</c> keys added, oldest forgotten first.</summary>
    private sealed class RecentSet<T>(int capacity)
    {
        private readonly Dictionary<string, T> _values = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public bool Contains(string key) => _values.ContainsKey(key);

        public bool TryGet(string key, out T value) => _values.TryGetValue(key, out value!);

        public bool TryAdd(string key, T value)
        {
            if (!_values.TryAdd(key, value))
            {
                return false;
            }

            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _values.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
