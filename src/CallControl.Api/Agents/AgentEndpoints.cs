using CallControl.Api.Auth;
using CallControl.Api.Conversations;
using CallControl.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallControl.Api.Agents;

public static class AgentEndpoints
{
    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/v1/agents").WithTags("Agents").RequireScope(ApiScopes.Agents);
        admin.MapPut("/{agentId}", PutAgent).Validate<PutAgentRequest>().WithName(nameof(PutAgent));
        admin.MapGet("/{agentId}", GetAgent).WithName(nameof(GetAgent));

        var desks = endpoints.MapGroup("/api/v1/agents").WithTags("Agents").RequireScope(ApiScopes.Calls);
        desks.MapGet("/{agentId}/conversations", GetDesk).WithName(nameof(GetDesk));
        return endpoints;
    }

    /// <summary>Creates (201) or replaces (200) an agent and its station.</summary>
    public static async Task<Results<Created<AgentView>, Ok<AgentView>, ProblemHttpResult>> PutAgent(
        string agentId, PutAgentRequest request, HttpContext http, AgentRepository agents, CancellationToken cancellationToken)
    {
        if (!AgentIds.IsValid(agentId))
        {
            return InvalidAgentId();
        }

        var (agent, created) = await agents.PutAsync(http.GetTenantId(), agentId, request, cancellationToken);
        return created ? TypedResults.Created(LocationOf(agentId), agent) : TypedResults.Ok(agent);
    }

    public static async Task<Results<Ok<AgentView>, ProblemHttpResult>> GetAgent(
        string agentId, HttpContext http, AgentRepository agents, CancellationToken cancellationToken)
    {
        if (!AgentIds.IsValid(agentId))
        {
            return InvalidAgentId();
        }

        return await agents.FindAsync(http.GetTenantId(), agentId, cancellationToken) is { } agent
            ? TypedResults.Ok(agent)
            : AgentNotFound(agentId);
    }

    /// <summary>The agent's desk now: the shape of a conversationUpdate without added/removed.</summary>
    public static async Task<Results<ContentHttpResult, Ok<DeskSnapshotView>, ProblemHttpResult>> GetDesk(
        string agentId, HttpContext http, AgentRepository agents, CancellationToken cancellationToken)
    {
        if (!AgentIds.IsValid(agentId))
        {
            return InvalidAgentId();
        }

        var tenant = http.GetTenantId();
        if (await agents.FindDeskSnapshotAsync(tenant, agentId, cancellationToken) is { } snapshot)
        {
            return TypedResults.Text(snapshot, "application/json");
        }

        return await agents.FindAsync(tenant, agentId, cancellationToken) is null
            ? AgentNotFound(agentId)
            : TypedResults.Ok(new DeskSnapshotView(agentId, 0, null, []));
    }

    public static string LocationOf(string agentId) => $"/api/v1/agents/{Uri.EscapeDataString(agentId)}";

    public static ProblemHttpResult AgentNotFound(string agentId) => Problems.NotFound($"Agent {agentId} was not found.");

    public static ProblemHttpResult InvalidAgentId() =>
        Problems.Validation("agentId", "An agent id is 1 to 64 letters, digits, dots, underscores or hyphens.");
}
