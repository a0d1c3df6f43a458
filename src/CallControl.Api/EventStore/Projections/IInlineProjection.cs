using Npgsql;

namespace CallControl.Api.EventStore;

/// <summary>
/// A read model kept in the append transaction (read-your-writes for the API). It must be a pure function
/// of the events it is given and the rows it already wrote, so that it can be rebuilt from the log.
/// </summary>
public interface IInlineProjection
{
    /// <summary>A stable name, used in logs and by the rebuilder.</summary>
    string Name { get; }

    /// <summary>The tables the projection owns; a rebuild fills copies of them and then swaps the rows in.</summary>
    IReadOnlyList<string> Tables { get; }

    /// <summary>Applies newly appended events (one stream's, in version order; or, during a rebuild, the log in order).</summary>
    Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Optionally plans one append ahead of its insert, so that the projection's first writes and reads go to
    /// the server in the insert's round trip. <paramref name="planned"/> are the events as they will be stored:
    /// stream, version, id, type and data are theirs; log position and creation time are not known yet. The
    /// plan's commands run after the insert, in its transaction, and are rolled back with it if the insert is
    /// refused. Null (the default): <see cref="ApplyAsync"/> runs after the insert instead.
    /// </summary>
    ValueTask<IPlannedProjection?> PlanAsync(ProjectionContext context, IReadOnlyList<StoredEvent> planned, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IPlannedProjection?>(null);
}

/// <summary>A projection's part of one append, planned before the insert (see <see cref="IInlineProjection.PlanAsync"/>).</summary>
public interface IPlannedProjection
{
    /// <summary>Sent right after the events' insert, in the same round trip.</summary>
    IReadOnlyList<NpgsqlBatchCommand> Commands { get; }

    /// <summary>Reads the results of <see cref="Commands"/> that return rows; the reader is still on the insert's rows.</summary>
    Task ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken);

    /// <summary>Finishes the projection once the insert was accepted and the reader closed (it may query, and leave writes for the commit).</summary>
    Task FinishAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="Commands"/> hold all the plan's writes: it reads nothing back and
    /// <see cref="FinishAsync"/> adds nothing, so the store may send the commit in the same round trip.
    /// </summary>
    bool IsComplete => false;

    /// <summary>
    /// Whether the append failed with <paramref name="exception"/> because of something the plan assumed
    /// without reading it (and has now forgotten); the store then runs the append again, planned afresh.
    /// </summary>
    bool IsStale(PostgresException exception) => false;

    /// <summary>Told once the append has committed (to keep what it wrote for later plans).</summary>
    void Committed()
    {
    }
}

/// <summary>
/// Where a projection writes: the live tables, or the rebuild's copies. Commands on <see cref="Connection"/> run in
/// the transaction; <see cref="Transaction"/> is null when the transaction was opened in SQL (an append's).
/// </summary>
public sealed record ProjectionContext(NpgsqlConnection Connection, NpgsqlTransaction? Transaction, ProjectionTables Tables)
{
    /// <summary>
    /// When set, writes that nothing later in the transaction reads may be left here: they go to the server
    /// together with the commit, in one round trip. Null: write at once.
    /// </summary>
    public ICollection<NpgsqlBatchCommand>? AtCommit { get; init; }
}

/// <summary>Maps a projection's table names to the ones to write in this run.</summary>
public sealed class ProjectionTables
{
    private readonly string _suffix;

    private ProjectionTables(string suffix) => _suffix = suffix;

    public static ProjectionTables Live { get; } = new(string.Empty);

    public static ProjectionTables Rebuild { get; } = new("_rebuild");

    /// <summary>The name to use for <paramref name="table"/> in SQL (already a plain identifier).</summary>
    public string this[string table] => table + _suffix;
}
