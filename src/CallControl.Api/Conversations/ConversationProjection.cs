using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using CallControl.Api.EventStore;
using CallControl.Domain.Agents;
using CallControl.Domain.Conversations;
using Npgsql;
using NpgsqlTypes;

namespace CallControl.Api.Conversations;

/// <summary>
/// Keeps, in the append transaction, the conversation read model and every participating agent's desk:
/// one <c>conversationUpdate</c> per append for each agent whose view changed, numbered per agent.
/// </summary>
/// <remarks>
/// Desks written by appends that committed here are remembered, so that the next append to one of their
/// conversations writes its desks without reading them first and commits in the same round trip. A desk that
/// moved on elsewhere is caught by the update's number: every desk sequence up to the desk's own has its row
/// in <c>agent_desk_updates</c> (none is ever deleted), so an update numbered from a stale desk collides with
/// one that exists, the append fails, the desk is forgotten and the append runs again reading it.
/// </remarks>
public sealed class ConversationProjection : IInlineProjection
{
    public const string ConversationsTable = "conversations";
    public const string DesksTable = "agent_desks";
    public const string UpdatesTable = "agent_desk_updates";

    /// <summary>Desks remembered; past that the memory starts afresh.</summary>
    public const int MaxDesks = 20_000;

    private const string UniqueViolation = "23505";
    private const string UpdatesKey = "agent_desk_updates_pkey";

    private static readonly HashSet<string> ConversationEventTypes = [.. ConversationEventSerializer.TypeNames];

    private readonly ConversationStates _states;
    private readonly ConcurrentDictionary<(string Tenant, AgentId Agent), AgentDesk> _desks = new();

    public ConversationProjection(ConversationStates states) => _states = states;

    public string Name => "conversations";

    public IReadOnlyList<string> Tables => [ConversationsTable, DesksTable, UpdatesTable];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        // Each append is one desk update. Only the last one's desk writes may wait for the commit: a later
        // append in the same call reads the desks again.
        var groups = Appends.Of(events).Select(OwnEvents).Where(g => g.Count > 0).ToList();
        for (var i = 0; i < groups.Count; i++)
        {
            var plan = await PlanAppendAsync(context, groups[i], i == groups.Count - 1 ? context.AtCommit : null, useKnownDesks: false, cancellationToken);
            if (context.Tables == ProjectionTables.Live)
            {
                // Written without being told of the commit: what is remembered of these desks may fall behind.
                plan.ForgetDesks();
            }

            await using (var batch = new NpgsqlBatch(context.Connection, context.Transaction))
            {
                foreach (var command in plan.Commands)
                {
                    batch.BatchCommands.Add(command);
                }

                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                await plan.ReadDeskRowsAsync(reader, cancellationToken);
            }

            await plan.FinishAsync(cancellationToken);
        }
    }

    /// <summary>A live append is planned ahead: its conversation row and its desks' lock go with the events' insert.</summary>
    public async ValueTask<IPlannedProjection?> PlanAsync(ProjectionContext context, IReadOnlyList<StoredEvent> planned, CancellationToken cancellationToken)
    {
        var own = OwnEvents(planned);
        return own.Count == 0 ? null : await PlanAppendAsync(context, own, context.AtCommit, useKnownDesks: context.Tables == ProjectionTables.Live, cancellationToken);
    }

    private static List<StoredEvent> OwnEvents(IReadOnlyList<StoredEvent> append) => [.. append.Where(e => ConversationEventTypes.Contains(e.Type))];

    /// <param name="atCommit">Where to leave the desk writes to go with the commit; null to write them at once.</param>
    /// <param name="useKnownDesks">Whether the desks may come from memory instead of being read.</param>
    private async Task<AppendPlan> PlanAppendAsync(
        ProjectionContext context, List<StoredEvent> append, ICollection<NpgsqlBatchCommand>? atCommit, bool useKnownDesks, CancellationToken cancellationToken)
    {
        var tenant = append[0].TenantId;
        var conversationId = append[0].StreamId;
        // The state before the append is history at a version the append expects: it reads the same in or out of the transaction.
        var before = await _states.LoadAsync(context.Connection, context.Transaction, tenant, conversationId, append[0].Version - 1, cancellationToken);
        var domainEvents = append.Select(ConversationEventSerializer.Deserialize).ToList();
        if (ConversationDecider.Fold(before.State, domainEvents) is not Conversation.Started after)
        {
            throw new InvalidDataException($"Conversation {conversationId} has events but did not start.");
        }

        return new AppendPlan(this, context, atCommit, tenant, (conversationId, before), after, append[^1].Version, domainEvents[^1].At, useKnownDesks);
    }

    /// <summary>The remembered desks of every one of <paramref name="agents"/>, or null when any is not remembered.</summary>
    private Dictionary<AgentId, AgentDesk>? KnownDesks(string tenant, List<AgentId> agents)
    {
        var desks = new Dictionary<AgentId, AgentDesk>(agents.Count);
        foreach (var agent in agents)
        {
            if (!_desks.TryGetValue((tenant, agent), out var desk))
            {
                return null;
            }

            desks[agent] = desk;
        }

        return desks;
    }

    /// <summary>Remembers desks as a committed append left them; a desk already remembered further on stays.</summary>
    private void RememberDesks(string tenant, IEnumerable<AgentDesk> desks)
    {
        if (_desks.Count >= MaxDesks)
        {
            _desks.Clear();
        }

        foreach (var desk in desks)
        {
            _desks.AddOrUpdate((tenant, desk.AgentId), desk, (_, known) => known.Sequence > desk.Sequence ? known : desk);
        }
    }

    private void ForgetDesks(string tenant, IEnumerable<AgentId> agents)
    {
        foreach (var agent in agents)
        {
            _desks.TryRemove((tenant, agent), out _);
        }
    }

    /// <summary>
    /// One append's projection: the conversation's row and, with its agents' desks remembered, their writes; else
    /// the lock on the desks in the same round trip, then the desks' writes.
    /// </summary>
    private sealed class AppendPlan : IPlannedProjection
    {
        private readonly ConversationProjection _owner;
        private readonly ProjectionContext _context;
        private readonly ICollection<NpgsqlBatchCommand>? _atCommit;
        private readonly string _tenant;
        private readonly (string Id, LoadedConversation State) _before;
        private readonly Conversation.Started _after;
        private readonly long _version;
        private readonly DateTimeOffset _at;
        private readonly List<AgentId> _agents;
        private readonly bool _desksKnown;
        private List<(AgentId Agent, long Sequence, DeskEntryRow[] Entries)> _deskRows = [];
        private IEnumerable<AgentDesk> _desksAfter = [];

        public AppendPlan(
            ConversationProjection owner,
            ProjectionContext context,
            ICollection<NpgsqlBatchCommand>? atCommit,
            string tenant,
            (string Id, LoadedConversation State) before,
            Conversation.Started after,
            long version,
            DateTimeOffset at,
            bool useKnownDesks)
        {
            _owner = owner;
            _context = context;
            _atCommit = atCommit;
            _tenant = tenant;
            _before = before;
            _after = after;
            _version = version;
            _at = at;
            _agents = [.. after.Participants.Where(p => p.AgentId is not null).Select(p => p.AgentId.GetValueOrDefault()).Distinct()];
            if (_agents.Count == 0)
            {
                Commands = [WriteConversation(context, tenant, after, version)];
                IsComplete = true;
            }
            else if (useKnownDesks && owner.KnownDesks(tenant, _agents) is { } known)
            {
                var (desks, updates) = AgentDeskProjection.ProjectAll(known, after, version, at);
                Commands = [WriteConversation(context, tenant, after, version), .. DeskWrites(desks, updates)];
                _desksKnown = true;
                _desksAfter = [.. desks.Values];
                IsComplete = true;
            }
            else
            {
                Commands = [WriteConversation(context, tenant, after, version), SelectDesks(context, tenant, _agents)];
            }
        }

        public IReadOnlyList<NpgsqlBatchCommand> Commands { get; }

        public bool IsComplete { get; }

        public bool IsStale(PostgresException exception)
        {
            if (!_desksKnown || exception.SqlState != UniqueViolation || exception.ConstraintName != UpdatesKey)
            {
                return false;
            }

            ForgetDesks();
            return true;
        }

        public void Committed()
        {
            if (_context.Tables == ProjectionTables.Live)
            {
                _owner.RememberDesks(_tenant, _desksAfter);
            }
        }

        public void ForgetDesks() => _owner.ForgetDesks(_tenant, _agents);

        public async Task ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
        {
            if (!IsComplete && await reader.NextResultAsync(cancellationToken))
            {
                await ReadDeskRowsAsync(reader, cancellationToken);
            }
        }

        /// <summary>Reads the desks' rows, the only result of <see cref="Commands"/>, from the result the reader is on.</summary>
        public async Task ReadDeskRowsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
        {
            if (_agents.Count == 0)
            {
                return;
            }

            var rows = new List<(AgentId Agent, long Sequence, DeskEntryRow[] Entries)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((new AgentId(reader.GetString(0)), reader.GetInt64(1),
                    JsonSerializer.Deserialize<DeskEntryRow[]>(reader.GetString(2), ConversationEventSerializer.Options) ?? []));
            }

            _deskRows = rows;
        }

        /// <summary>
        /// Each updated desk's row and numbered update, in one order (the one <see cref="SelectDesks"/> locks them in),
        /// so that two appends never wait on each other crosswise.
        /// </summary>
        private List<NpgsqlBatchCommand> DeskWrites(IReadOnlyDictionary<AgentId, AgentDesk> desks, IReadOnlyList<ConversationUpdate> updates) =>
        [
            .. updates.OrderBy(update => update.AgentId.Value, StringComparer.Ordinal)
                .SelectMany(update => WriteDesk(_context, _tenant, desks[update.AgentId], update, _before.Id, _version)),
        ];

        public async Task FinishAsync(CancellationToken cancellationToken)
        {
            if (IsComplete)
            {
                return;
            }

            var desks = await _owner.LoadDesksAsync(_context, _deskRows, _tenant, _before, cancellationToken);
            var (nextDesks, updates) = AgentDeskProjection.ProjectAll(desks, _after, _version, _at);
            _desksAfter = [.. nextDesks.Values];
            var writes = DeskWrites(nextDesks, updates);
            if (_atCommit is not null)
            {
                foreach (var write in writes)
                {
                    _atCommit.Add(write);
                }

                return;
            }

            if (writes.Count > 0)
            {
                await using var deskWrites = new NpgsqlBatch(_context.Connection, _context.Transaction);
                foreach (var write in writes)
                {
                    deskWrites.BatchCommands.Add(write);
                }

                await deskWrites.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private static NpgsqlBatchCommand WriteConversation(ProjectionContext context, string tenant, Conversation.Started conversation, long version)
    {
        var view = ConversationView.From(conversation, version);
        var command = new NpgsqlBatchCommand($"""
            INSERT INTO {context.Tables[ConversationsTable]} (tenant_id, id, version, state, direction, started_at, ended_at, agent_ids, view, media_worker_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (tenant_id, id) DO UPDATE SET
                version = excluded.version, state = excluded.state, ended_at = excluded.ended_at,
                agent_ids = excluded.agent_ids, view = excluded.view, media_worker_id = excluded.media_worker_id
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversation.Id.Value });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ConversationEventSerializer.Wire(view.State) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ConversationEventSerializer.Wire(view.Direction) });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = conversation.StartedAt });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = conversation.EndedAt });
        command.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = [.. conversation.Participants.Where(p => p.AgentId is not null).Select(p => p.AgentId.GetValueOrDefault().Value).Distinct()],
        });
        command.Parameters.Add(new NpgsqlParameter<string>
        {
            TypedValue = JsonSerializer.Serialize(view, ConversationEventSerializer.Options),
            NpgsqlDbType = NpgsqlDbType.Json,
        });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = conversation.MediaWorkerId, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    private static NpgsqlBatchCommand SelectDesks(ProjectionContext context, string tenant, List<AgentId> agents)
    {
        var command = new NpgsqlBatchCommand(
            $"SELECT agent_id, sequence, entries FROM {context.Tables[DesksTable]} WHERE tenant_id = $1 AND agent_id = ANY($2) ORDER BY agent_id COLLATE \"C\" FOR UPDATE");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. agents.Select(a => a.Value)] });
        return command;
    }

    /// <summary>
    /// The agents' desks as they stand, locked until the append commits (so two conversations of one agent
    /// number their updates one after the other). Each entry's conversation is its latest state: a desk
    /// entry changes whenever its conversation does.
    /// </summary>
    private async Task<Dictionary<AgentId, AgentDesk>> LoadDesksAsync(
        ProjectionContext context,
        List<(AgentId Agent, long Sequence, DeskEntryRow[] Entries)> rows,
        string tenant,
        (string Id, LoadedConversation State) appending,
        CancellationToken cancellationToken)
    {
        var desks = new Dictionary<AgentId, AgentDesk>();
        foreach (var (agent, sequence, entries) in rows)
        {
            var current = ImmutableDictionary.CreateBuilder<ConversationId, DeskEntry>();
            foreach (var row in entries)
            {
                var loaded = row.ConversationId == appending.Id
                    ? appending.State
                    : await _states.LoadAsync(context.Connection, context.Transaction, tenant, row.ConversationId, cancellationToken);
                if (loaded.State is Conversation.Started started
                    && started.Participants.LastOrDefault(p => p.AgentId == agent && !p.IsDisconnected) is { } participant)
                {
                    current[started.Id] = new DeskEntry(started.Id, row.Version, started, participant, row.LastChangedAt, row.ConnectedAt);
                }
            }

            var built = current.ToImmutable();
            desks[agent] = new AgentDesk(agent, sequence, built, AgentDeskProjection.ChooseActive(built.Values));
        }

        return desks;
    }

    /// <summary>The desk's new row and its numbered update.</summary>
    private static IEnumerable<NpgsqlBatchCommand> WriteDesk(
        ProjectionContext context,
        string tenant,
        AgentDesk desk,
        ConversationUpdate update,
        string conversationId,
        long conversationVersion)
    {
        var items = desk.Ordered().Select(DeskItemView.From).ToList();
        var snapshot = new DeskSnapshotView(desk.AgentId.Value, desk.Sequence, desk.ActiveConversationId?.Value, items);
        var entries = desk.Ordered().Select(e => new DeskEntryRow(e.ConversationId.Value, e.Version, e.LastChangedAt, e.ConnectedAt)).ToArray();

        var upsert = new NpgsqlBatchCommand($"""
            INSERT INTO {context.Tables[DesksTable]} (tenant_id, agent_id, sequence, active_conversation_id, entries, snapshot)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (tenant_id, agent_id) DO UPDATE SET
                sequence = excluded.sequence, active_conversation_id = excluded.active_conversation_id,
                entries = excluded.entries, snapshot = excluded.snapshot
            """);
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = desk.AgentId.Value });
        upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = desk.Sequence });
        upsert.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = desk.ActiveConversationId?.Value, NpgsqlDbType = NpgsqlDbType.Text });
        upsert.Parameters.Add(JsonParameter(entries, NpgsqlDbType.Jsonb));
        upsert.Parameters.Add(JsonParameter(snapshot, NpgsqlDbType.Json));
        yield return upsert;

        var insert = new NpgsqlBatchCommand($"""
            INSERT INTO {context.Tables[UpdatesTable]} (tenant_id, agent_id, sequence, conversation_id, conversation_version, occurred_at, payload)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = desk.AgentId.Value });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = update.Sequence });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = conversationVersion });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = update.OccurredAt });
        insert.Parameters.Add(JsonParameter(ConversationUpdateView.From(update), NpgsqlDbType.Json));
        yield return insert;
    }

    /// <summary>Rendered views are stored as <c>json</c> (kept as written, key order included); rows read back as data as <c>jsonb</c>.</summary>
    private static NpgsqlParameter<string> JsonParameter<T>(T value, NpgsqlDbType type) =>
        new() { TypedValue = JsonSerializer.Serialize(value, ConversationEventSerializer.Options), NpgsqlDbType = type };


    private sealed record DeskEntryRow(string ConversationId, long Version, DateTimeOffset LastChangedAt, DateTimeOffset? ConnectedAt);
}
