namespace CallControl.Api.Auth;

/// <summary>
/// What an API key may do. Each scope is also the name of the authorization policy that requires it,
/// so <c>RequireAuthorization(ApiScopes.Calls)</c> and <c>RequireScope(ApiScopes.Calls)</c> mean the same.
/// </summary>
public static class ApiScopes
{
    /// <summary>Conversation commands and reads.</summary>
    public const string Calls = "calls";

    /// <summary>Agent and station administration.</summary>
    public const string Agents = "agents";

    /// <summary>Webhook subscriptions and their deliveries.</summary>
    public const string Webhooks = "webhooks";

    public static IReadOnlyList<string> All { get; } = [Calls, Agents, Webhooks];

    /// <summary>Scopes are compared exactly: configuration that says <c>Calls</c> is a mistake to report, not to guess at.</summary>
    public static bool IsKnown(string? scope) => scope is Calls or Agents or Webhooks;
}
