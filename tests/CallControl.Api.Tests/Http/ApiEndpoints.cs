namespace CallControl.Api.Tests.Http;

/// <summary>One route of the contract, with a valid request for it against <see cref="Call"/>.</summary>
/// <param name="Scope">The API key scope the route needs.</param>
internal sealed record ApiEndpoint(string Name, HttpMethod Method, Func<Call, string> Path, string? Body, string Scope)
{
    public override string ToString() => Name;
}

/// <summary>Every implemented route (webhooks and the agent event stream are not yet).</summary>
internal static class ApiEndpoints
{
    public static IReadOnlyList<ApiEndpoint> ParticipantCommands { get; } =
    [
        Participant("accept", null),
        Participant("reject", """{"reason":"busy"}"""),
        Participant("hold", """{"music":true}"""),
        Participant("resume", null),
        Participant("mute", null),
        Participant("unmute", null),
        Participant("transfer", """{"to":"+15557654321","kind":"blind"}"""),
        Participant("transfer/complete", null),
        Participant("transfer/cancel", null),
        Participant("digits", """{"digits":"12#"}"""),
        Participant("end", """{"reason":"success"}"""),
    ];

    /// <summary>The commands on an existing conversation (everything that takes If-Match and acts on one stream).</summary>
    public static IReadOnlyList<ApiEndpoint> ConversationCommands { get; } =
    [
        new("POST conversation end", HttpMethod.Post, c => $"{c.Path}/end", null, "calls"),
        new("POST conversation recording", HttpMethod.Post, c => $"{c.Path}/recording", """{"enabled":true}""", "calls"),
        .. ParticipantCommands,
    ];

    public static IReadOnlyList<ApiEndpoint> ConversationReads { get; } =
    [
        new("GET conversation", HttpMethod.Get, c => c.Path, null, "calls"),
        new("GET conversation events", HttpMethod.Get, c => $"{c.Path}/events", null, "calls"),
    ];

    public static IReadOnlyList<ApiEndpoint> All { get; } =
    [
        new("PUT agent", HttpMethod.Put, c => $"/api/v1/agents/{c.AgentId}",
            """{"displayName":"Alice","station":{"uri":"sip:alice@192.0.2.10"}}""", "agents"),
        new("GET agent", HttpMethod.Get, c => $"/api/v1/agents/{c.AgentId}", null, "agents"),
        new("GET agent desk", HttpMethod.Get, c => $"/api/v1/agents/{c.AgentId}/conversations", null, "calls"),
        new("POST conversations", HttpMethod.Post, _ => "/api/v1/conversations", null, "calls"),
        new("GET conversations", HttpMethod.Get, _ => "/api/v1/conversations", null, "calls"),
        .. ConversationReads,
        .. ConversationCommands,
    ];

    /// <summary>The body that starts a conversation for the call's agent (it depends on the agent).</summary>
    public static string? BodyFor(this ApiEndpoint endpoint, Call call) =>
        endpoint.Name == "POST conversations" ? $$"""{"agentId":"{{call.AgentId}}","to":"+15551234567"}""" : endpoint.Body;

    public static TheoryData<string> Names(IEnumerable<ApiEndpoint> endpoints)
    {
        var data = new TheoryData<string>();
        foreach (var endpoint in endpoints)
        {
            data.Add(endpoint.Name);
        }

        return data;
    }

    public static ApiEndpoint Named(string name) => All.Single(e => e.Name == name);

    private static ApiEndpoint Participant(string action, string? body) =>
        new($"POST conversation participant {action}", HttpMethod.Post, c => c.Customer(action), body, "calls");
}
