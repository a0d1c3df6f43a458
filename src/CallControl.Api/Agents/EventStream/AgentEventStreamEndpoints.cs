using System.ComponentModel;
using System.Globalization;
using CallControl.Api.Auth;
using CallControl.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallControl.Api.Agents.EventStream;

public static class AgentEventStreamEndpoints
{
    public const string LastEventIdHeader = "Last-Event-ID";
    public const string LastEventIdQuery = "lastEventId";

    /// <summary>The stream's services and options (section <see cref="AgentEventStreamOptions.SectionName"/>), checked at startup.</summary>
    public static IServiceCollection AddAgentEventStream(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AgentEventStreamOptions>()
            .Bind(configuration.GetSection(AgentEventStreamOptions.SectionName))
            .Validate(o => o.HeartbeatSeconds >= 1, $"{AgentEventStreamOptions.SectionName}:HeartbeatSeconds must be at least 1.")
            .Validate(o => o.MaxConnections >= 1, $"{AgentEventStreamOptions.SectionName}:MaxConnections must be at least 1.")
            .Validate(o => o.PollMilliseconds >= 10, $"{AgentEventStreamOptions.SectionName}:PollMilliseconds must be at least 10.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AgentEventLog>();
        services.AddSingleton<AgentDeskWatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<AgentDeskWatcher>());
        services.AddSingleton<AgentEventStream>();
        return services;
    }

    public static IEndpointRouteBuilder MapAgentEventStream(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/v1/agents").WithTags("Agents").RequireScope(ApiScopes.Calls)
            .MapGet("/{agentId}/events", GetAgentEvents)
            .WithName(nameof(GetAgentEvents))
            .WithSummary("The agent's conversationUpdate events as a server-sent event stream.")
            .WithDescription(
                "Each event is `id: <sequence>`, `event: conversationUpdate`, `data: <payload on one line>`; a `: heartbeat` comment "
                + "follows every AgentEvents:HeartbeatSeconds (15 by default). With `Last-Event-ID` (or `?lastEventId=`) the stream "
                + "first replays every update after it; without, it starts with the next update, and the desk snapshot "
                + "(`GET /api/v1/agents/{agentId}/conversations`) is the read to start from. An instance serves at most "
                + "AgentEvents:MaxConnections streams and answers 503 `unavailable` with `Retry-After` beyond that.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    /// <summary>
    /// The agent's <c>conversationUpdate</c> events as <c>text/event-stream</c>: with <c>Last-Event-ID</c> (or
    /// <c>?lastEventId=</c>, for EventSource polyfills that cannot set headers) the updates after it first, without
    /// it only new ones (read the desk snapshot to start from); heartbeat comments keep the connection alive.
    /// </summary>
    public static async Task<Results<AgentEventStreamResult, ProblemHttpResult>> GetAgentEvents(
        string agentId,
        [FromHeader(Name = LastEventIdHeader), Description("The id of the last event received; the stream resumes after it.")] string? lastEventIdHeader,
        [FromQuery(Name = LastEventIdQuery), Description("The same as Last-Event-ID, for clients that cannot set headers; the header wins.")] string? lastEventId,
        HttpContext http,
        AgentEventLog log,
        CancellationToken cancellationToken)
    {
        if (!AgentIds.IsValid(agentId))
        {
            return AgentEndpoints.InvalidAgentId();
        }

        // The header wins: an EventSource sends it on reconnecting, and it is newer than the URL the stream was opened with.
        var (field, raw) = string.IsNullOrEmpty(lastEventIdHeader) ? (LastEventIdQuery, lastEventId) : (LastEventIdHeader, lastEventIdHeader);
        if (!TryParseLastEventId(raw, out var resumeAfter))
        {
            return Problems.Validation(field, $"{field} must be the id of an event of this stream: a non-negative integer.");
        }

        var tenant = http.GetTenantId();
        if (await log.FindSequenceAsync(tenant, agentId, cancellationToken) is not { } current)
        {
            return AgentEndpoints.AgentNotFound(agentId);
        }

        // A client ahead of the store (say, after a restore) has nothing to replay.
        var after = Math.Min(resumeAfter ?? current, current);
        return new AgentEventStreamResult(new AgentDeskKey(tenant, agentId), after);
    }

    /// <summary>
    /// An absent or empty value is no id (an EventSource that has seen none sends none); anything else must be a
    /// sequence, digits only.
    /// </summary>
    public static bool TryParseLastEventId(string? value, out long? lastEventId)
    {
        lastEventId = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        lastEventId = sequence;
        return true;
    }
}
