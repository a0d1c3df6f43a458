namespace CallControl.Api.Agents.EventStream;

/// <summary>Limits of <c>GET /api/v1/agents/{agentId}/events</c>, bound from the <c>AgentEvents</c> section.</summary>
public sealed class AgentEventStreamOptions
{
    public const string SectionName = "AgentEvents";

    /// <summary>Seconds between <c>: heartbeat</c> comments, which keep proxies from closing an idle stream and let clients notice a dead one.</summary>
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>Open streams this instance serves at once; one more is answered 503.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>
    /// Milliseconds between looks at the store for updates that other instances committed (this instance's own
    /// appends wake the streams at once): the most such an update waits, traded against one query per interval.
    /// </summary>
    public int PollMilliseconds { get; set; } = 1000;

    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(HeartbeatSeconds);

    public TimeSpan PollInterval => TimeSpan.FromMilliseconds(PollMilliseconds);
}
