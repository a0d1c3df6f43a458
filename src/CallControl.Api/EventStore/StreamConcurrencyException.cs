namespace CallControl.Api.EventStore;

/// <summary>An append lost a race: the stream was not at the version it expected.</summary>
public sealed class StreamConcurrencyException : Exception
{
    public StreamConcurrencyException(string tenantId, string streamId, ExpectedVersion expected, long actual)
        : base($"Stream {streamId} of tenant {tenantId} is at version {actual}, the append expected {expected}.")
    {
        TenantId = tenantId;
        StreamId = streamId;
        Expected = expected;
        Actual = actual;
    }

    public string TenantId { get; }

    public string StreamId { get; }

    public ExpectedVersion Expected { get; }

    /// <summary>The stream's version when the append failed; 0 when it does not exist.</summary>
    public long Actual { get; }
}
