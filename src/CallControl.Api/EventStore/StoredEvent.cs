namespace CallControl.Api.EventStore;

/// <summary>Who and what caused an event; stored as the event's metadata.</summary>
public sealed record EventMetadata(string? CorrelationId = null, string? CausationId = null, string? CommandId = null, string? Actor = null)
{
    public static EventMetadata Empty { get; } = new();
}

/// <summary>An event on its way into a stream; <paramref name="Data"/> is its JSON.</summary>
public sealed record EventToAppend(Guid Id, string Type, string Data, EventMetadata Metadata);

/// <summary>An event as the log holds it, with its place in the stream and in commit order.</summary>
public sealed record StoredEvent(
    long Seq,
    ulong TxId,
    string TenantId,
    string StreamId,
    long Version,
    Guid Id,
    string Type,
    string Data,
    EventMetadata Metadata,
    DateTimeOffset CreatedAt)
{
    public LogPosition Position => new(TxId, Seq);
}

/// <summary>A point in the log's commit order: the appending transaction, then the event's sequence number.</summary>
public readonly record struct LogPosition(ulong TxId, long Seq) : IComparable<LogPosition>
{
    public static LogPosition Start { get; } = new(0, 0);

    public int CompareTo(LogPosition other)
    {
        var byTx = TxId.CompareTo(other.TxId);
        return byTx != 0 ? byTx : Seq.CompareTo(other.Seq);
    }

    public static bool operator <(LogPosition left, LogPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(LogPosition left, LogPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(LogPosition left, LogPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(LogPosition left, LogPosition right) => left.CompareTo(right) >= 0;
}

/// <summary>The outcome of an append: the stream's version after it and the events as stored.</summary>
/// <param name="AlreadyAppended">The events were in the stream already (a retried append); nothing was written.</param>
public sealed record AppendResult(long Version, IReadOnlyList<StoredEvent> Events, bool AlreadyAppended);
