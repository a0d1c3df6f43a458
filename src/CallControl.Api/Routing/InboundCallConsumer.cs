using CallControl.Api.Conversations;
using CallControl.Api.Media;
using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using MassTransit;

namespace CallControl.Api.Routing;

/// <summary>
/// A call reached a media worker: a number with a rule starts an inbound conversation in the rule's tenant and
/// offers it to the rule's first available agent; any other number is refused with SIP 404. Redelivery is
/// harmless: starting a conversation that exists decides nothing, and routing only acts while nobody is offered.
/// </summary>
public sealed class InboundCallConsumer : IConsumer<InboundCallReceived>
{
    public const int UnroutedSipStatus = 404;

    private readonly RoutingTable _table;
    private readonly ConversationCommandService _commands;
    private readonly InboundRouter _router;
    private readonly TimeProvider _time;
    private readonly ILogger<InboundCallConsumer> _logger;

    public InboundCallConsumer(
        RoutingTable table, ConversationCommandService commands, InboundRouter router, TimeProvider time, ILogger<InboundCallConsumer> logger)
    {
        _table = table;
        _commands = commands;
        _router = router;
        _time = time;
        _logger = logger;
    }

    public async Task Consume(ConsumeContext<InboundCallReceived> context)
    {
        var call = context.Message;
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["ConversationId"] = call.ConversationId, ["WorkerId"] = call.WorkerId });
        if (_table.Find(call.To) is not { } rule)
        {
            await RefuseAsync(context, call);
            return;
        }

        var response = await _commands.ExecuteAsync(
            call.ConversationId,
            new CommandOptions(rule.Tenant, "media:" + call.WorkerId),
            _ => new ConversationCommand.ReceiveInboundCall(
                new ConversationId(call.ConversationId), new ParticipantId(call.LegId), call.From, call.To, call.CallerIdName, call.OccurredAt)
            {
                MediaWorkerId = call.WorkerId,
            },
            cancellationToken: context.CancellationToken);
        if (response.Status == StatusCodes.Status503ServiceUnavailable)
        {
            throw new ConversationBusyException($"inbound call {call.ConversationId} lost every append race; retrying");
        }

        if (response.Status >= 400)
        {
            _logger.LogWarning("Inbound call {ConversationId} to {Dialled} was not started: {Problem}", call.ConversationId, call.To, response.Body);
            return;
        }

        // 200 is a repeat of a call already started: routing it again finds it offered (or settled) and does nothing.
        await _router.RouteAsync(rule.Tenant, call.ConversationId, context.CancellationToken);
    }

    private async Task RefuseAsync(ConsumeContext<InboundCallReceived> context, InboundCallReceived call)
    {
        _logger.LogWarning("No routing rule for {Dialled} (from {From}); refusing leg {LegId} with {SipStatus}", call.To, call.From, call.LegId, UnroutedSipStatus);
        var worker = await context.GetSendEndpoint(new Uri("queue:" + MediaQueues.ForWorker(call.WorkerId)));
        // The command id is the leg's own, so a redelivered call is refused with the same command the worker already knows.
        await worker.Send(
            new RejectLeg(string.Empty, call.ConversationId, call.LegId, "reject:" + call.LegId, UnroutedSipStatus, _time.GetUtcNow()),
            context.CancellationToken);
    }
}
