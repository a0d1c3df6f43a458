namespace CallControl.Api.Webhooks.Subscriptions;

/// <summary>A tenant's webhook subscription; <see cref="Secret"/> never leaves the service after creation.</summary>
public sealed record WebhookSubscription(
    string TenantId,
    string Id,
    string Url,
    IReadOnlyList<string> Events,
    IReadOnlyList<string>? AgentIds,
    string Secret,
    DateTimeOffset CreatedAt)
{
    public bool Wants(string eventType) => Events.Contains(eventType, StringComparer.Ordinal);

    /// <summary>Whether a message about these agents passes the subscription's agent filter (none set: every agent).</summary>
    public bool Covers(IEnumerable<string> agentIds) => AgentIds is null || agentIds.Any(a => AgentIds.Contains(a, StringComparer.Ordinal));

    public WebhookView ToView() => new(Id, Url, Events, AgentIds, CreatedAt);
}

/// <summary>A subscription as lists and reads show it: without the secret.</summary>
public sealed record WebhookView(string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? AgentIds, DateTimeOffset CreatedAt);

/// <summary>The answer to a create: the only time the secret is shown.</summary>
public sealed record CreatedWebhookView(string Id, string Url, IReadOnlyList<string> Events, IReadOnlyList<string>? AgentIds, string Secret, DateTimeOffset CreatedAt);
