using CallControl.Api.Agents;
using CallControl.Api.Auth;
using CallControl.Api.Http;
using CallControl.Api.Media;
using CallControl.Domain.Agents;
using CallControl.Domain.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Command = CallControl.Domain.Conversations.ConversationCommand;

namespace CallControl.Api.Conversations;

public static class ConversationEndpoints
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;
    public const int DefaultHistorySize = 100;
    public const int MaxHistorySize = 1000;

    public static IEndpointRouteBuilder MapConversationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var conversations = endpoints.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireScope(ApiScopes.Calls);
        conversations.MapPost("/", StartConversation).Validate<StartConversationRequest>().Accepts();
        conversations.MapGet("/", ListConversations).WithName(nameof(ListConversations));
        conversations.MapGet("/{conversationId}", GetConversation).WithName(nameof(GetConversation));
        conversations.MapGet("/{conversationId}/events", GetHistory).WithName(nameof(GetHistory));
        conversations.MapPost("/{conversationId}/end", EndConversation).Accepts();
        conversations.MapPost("/{conversationId}/recording", SetRecording).Validate<SetRecordingRequest>().Accepts();

        var participants = conversations.MapGroup("/{conversationId}/participants/{participantId}");
        participants.MapPost("/accept", Accept).Accepts();
        participants.MapPost("/reject", Reject).Validate<RejectRequest>(optional: true).Accepts();
        participants.MapPost("/hold", Hold).Validate<HoldRequest>(optional: true).Accepts();
        participants.MapPost("/resume", Resume).Accepts();
        participants.MapPost("/mute", Mute).Accepts();
        participants.MapPost("/unmute", Unmute).Accepts();
        participants.MapPost("/transfer", Transfer).Validate<TransferRequest>().Accepts();
        participants.MapPost("/transfer/complete", CompleteTransfer).Accepts();
        participants.MapPost("/transfer/cancel", CancelTransfer).Accepts();
        participants.MapPost("/digits", SendDigits).Validate<DigitsRequest>().Accepts();
        participants.MapPost("/end", EndParticipant).Validate<EndParticipantRequest>(optional: true).Accepts();
        return endpoints;
    }

    /// <summary>Outbound click-to-dial: the agent's station rings first, then <c>to</c>; 201 with the conversation.</summary>
    public static async Task<IResult> StartConversation(
        StartConversationRequest request,
        HttpContext http,
        AgentRepository agents,
        ConversationCommandService service,
        MediaWorkerRegistry workers,
        CancellationToken cancellationToken)
    {
        if (!CommandHeaders.TryRead(http, request, out var options, out var problem))
        {
            return problem!;
        }

        if (await agents.FindAsync(options.TenantId, request.AgentId!, cancellationToken) is not { } agent)
        {
            return AgentEndpoints.AgentNotFound(request.AgentId!);
        }

        var conversationId = Guid.CreateVersion7().ToString();
        var agentParticipant = new ParticipantId(Guid.CreateVersion7().ToString());
        var customerParticipant = new ParticipantId(Guid.CreateVersion7().ToString());
        var response = await service.ExecuteAsync(
            conversationId,
            options,
            at => new Command.StartOutboundConversation(
                new ConversationId(conversationId), agentParticipant, new AgentId(agent.AgentId), agent.Station.Uri, agent.AutoAnswer,
                request.To!, request.From, request.CallerIdName, customerParticipant, at)
            {
                // The least busy live worker takes the call; with none alive, media dispatch assigns one later.
                MediaWorkerId = workers.Pick(),
            },
            (accepted, after) => CommandResponse.Json(StatusCodes.Status201Created, ConversationView.From(after, accepted.Version),
                ConversationCommandService.Location(conversationId)),
            cancellationToken);
        return new CommandResult(response);
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetConversation(
        string conversationId, HttpContext http, ConversationQueries queries, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(http.GetTenantId(), conversationId, cancellationToken) is not { } found)
        {
            return Problems.NotFound($"Conversation {conversationId} was not found.");
        }

        http.Response.Headers.ETag = $"\"{found.Version}\"";
        return TypedResults.Text(found.View, "application/json");
    }

    public static async Task<Results<Ok<ConversationPage>, ProblemHttpResult>> ListConversations(
        HttpContext http,
        ConversationQueries queries,
        [FromQuery] string? agentId,
        [FromQuery] string? state,
        [FromQuery] string? after,
        [FromQuery] int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (agentId is not null && !AgentIds.IsValid(agentId))
        {
            errors["agentId"] = ["An agent id is 1 to 64 letters, digits, dots, underscores or hyphens."];
        }

        if (state is not null and not ("alerting" or "connected" or "ended"))
        {
            errors["state"] = ["state is alerting, connected or ended."];
        }

        if (limit is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"limit is 1 to {MaxPageSize}."];
        }

        if (after is { Length: > 64 })
        {
            errors["after"] = ["after is the next cursor of an earlier page."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        return TypedResults.Ok(await queries.ListAsync(http.GetTenantId(), agentId, state, after, limit ?? DefaultPageSize, cancellationToken));
    }

    /// <summary>The conversation's event history (the audit log) after a version.</summary>
    public static async Task<Results<Ok<IReadOnlyList<HistoryEntry>>, ProblemHttpResult>> GetHistory(
        string conversationId, HttpContext http, ConversationQueries queries, [FromQuery] long? after, [FromQuery] int? limit, CancellationToken cancellationToken)
    {
        if (after is < 0 || limit is < 1 or > MaxHistorySize)
        {
            return Problems.Validation(after is < 0 ? "after" : "limit",
                after is < 0 ? "after is a version, 0 or more." : $"limit is 1 to {MaxHistorySize}.");
        }

        return await queries.HistoryAsync(http.GetTenantId(), conversationId, after ?? 0, limit ?? DefaultHistorySize, cancellationToken) is { } history
            ? TypedResults.Ok(history)
            : Problems.NotFound($"Conversation {conversationId} was not found.");
    }

    public static Task<IResult> EndConversation(string conversationId, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, EmptyRequest.Instance, at => new Command.EndConversation(Initiator.Agent, at), cancellationToken);

    public static Task<IResult> SetRecording(
        string conversationId, SetRecordingRequest request, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, request, at => new Command.SetRecording(request.Enabled!.Value, at), cancellationToken);

    public static Task<IResult> Accept(string conversationId, string participantId, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, EmptyRequest.Instance, at => new Command.AcceptOffer(new ParticipantId(participantId), at), cancellationToken);

    public static Task<IResult> Reject(
        string conversationId, string participantId, RejectRequest? request, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken)
    {
        request ??= new RejectRequest(null);
        return RunAsync(http, service, conversationId, request,
            at => new Command.RejectOffer(new ParticipantId(participantId), ReasonOf(request.Reason), at), cancellationToken);
    }

    public static Task<IResult> Hold(
        string conversationId, string participantId, HoldRequest? request, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken)
    {
        request ??= new HoldRequest();
        return RunAsync(http, service, conversationId, request,
            at => new Command.HoldParticipant(new ParticipantId(participantId), request.Music, at), cancellationToken);
    }

    public static Task<IResult> Resume(string conversationId, string participantId, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, EmptyRequest.Instance, at => new Command.ResumeParticipant(new ParticipantId(participantId), at), cancellationToken);

    public static Task<IResult> Mute(string conversationId, string participantId, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, EmptyRequest.Instance, at => new Command.MuteParticipant(new ParticipantId(participantId), at), cancellationToken);

    public static Task<IResult> Unmute(string conversationId, string participantId, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, EmptyRequest.Instance, at => new Command.UnmuteParticipant(new ParticipantId(participantId), at), cancellationToken);

    public static Task<IResult> Transfer(
        string conversationId, string participantId, TransferRequest request, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken)
    {
        var target = new ParticipantId(Guid.CreateVersion7().ToString());
        return RunAsync(http, service, conversationId, request,
            at => new Command.TransferParticipant(new ParticipantId(participantId), request.To!, request.Kind!.Value, target, at), cancellationToken);
    }

    public static Task<IResult> CompleteTransfer(string conversationId, string participantId, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, EmptyRequest.Instance, at => new Command.CompleteTransfer(new ParticipantId(participantId), at), cancellationToken);

    public static Task<IResult> CancelTransfer(string conversationId, string participantId, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, EmptyRequest.Instance, at => new Command.CancelTransfer(new ParticipantId(participantId), at), cancellationToken);

    public static Task<IResult> SendDigits(
        string conversationId, string participantId, DigitsRequest request, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken) =>
        RunAsync(http, service, conversationId, request, at => new Command.SendDigits(new ParticipantId(participantId), request.Digits!, at), cancellationToken);

    public static Task<IResult> EndParticipant(
        string conversationId, string participantId, EndParticipantRequest? request, HttpContext http, ConversationCommandService service, CancellationToken cancellationToken)
    {
        request ??= new EndParticipantRequest(null);
        return RunAsync(http, service, conversationId, request,
            at => new Command.EndParticipant(new ParticipantId(participantId), request.Reason is null ? null : ReasonOf(request.Reason), Initiator.Agent, at),
            cancellationToken);
    }

    private static async Task<IResult> RunAsync<TBody>(
        HttpContext http, ConversationCommandService service, string conversationId, TBody body, Func<DateTimeOffset, Command> build, CancellationToken cancellationToken)
    {
        if (!CommandHeaders.TryRead(http, body, out var options, out var problem))
        {
            return problem!;
        }

        return new CommandResult(await service.ExecuteAsync(conversationId, options, build, cancellationToken: cancellationToken));
    }

    private static DisconnectReason ReasonOf(string? wire) =>
        DisconnectReasonWire.TryParse(wire, out var reason) ? reason : DisconnectReason.Decline;

    /// <summary>Documents what every command endpoint may answer.</summary>
    private static RouteHandlerBuilder Accepts(this RouteHandlerBuilder builder) => builder
        .Produces<CommandAccepted>(StatusCodes.Status202Accepted)
        .Produces<ConversationView>(StatusCodes.Status200OK)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
        .ProducesProblem(StatusCodes.Status502BadGateway);
}

/// <summary>Sends a <see cref="CommandResponse"/> exactly as stored (so idempotent replays match byte for byte).</summary>
public sealed class CommandResult : IResult
{
    private readonly CommandResponse _response;

    public CommandResult(CommandResponse response) => _response = response;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = _response.Status;
        httpContext.Response.ContentType = _response.Status >= 400 ? "application/problem+json" : "application/json";
        if (_response.Location is not null)
        {
            httpContext.Response.Headers.Location = _response.Location;
        }

        await httpContext.Response.WriteAsync(_response.Body, httpContext.RequestAborted);
    }
}
