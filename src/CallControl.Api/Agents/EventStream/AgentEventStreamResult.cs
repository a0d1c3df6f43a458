using System.Reflection;
using CallControl.Api.Conversations;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallControl.Api.Agents.EventStream;

/// <summary>The 200 answer of <c>GET /api/v1/agents/{agentId}/events</c>: runs <see cref="AgentEventStream"/> for the request.</summary>
public sealed class AgentEventStreamResult : IResult, IEndpointMetadataProvider
{
    public AgentEventStreamResult(AgentDeskKey agent, long after)
    {
        Agent = agent;
        After = after;
    }

    public AgentDeskKey Agent { get; }

    /// <summary>The sequence the stream starts after.</summary>
    public long After { get; }

    public Task ExecuteAsync(HttpContext httpContext) =>
        httpContext.RequestServices.GetRequiredService<AgentEventStream>().RunAsync(httpContext, Agent, After);

    /// <summary>Documents the stream as <c>text/event-stream</c> whose <c>data</c> is a <see cref="ConversationUpdateView"/>.</summary>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ConversationUpdateView), [ServerSentEvents.ContentType]));
    }
}
