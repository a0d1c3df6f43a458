using CallControl.Api.Conversations;
using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using MassTransit;
using Command = CallControl.Domain.Conversations.ConversationCommand;
using Fact = CallControl.Domain.Conversations.ConversationCommand;

namespace CallControl.Api.Media;

/// <summary>
/// Turns the media worker's facts into decisions on the conversation, like any command. Duplicates and
/// late facts decide nothing; a fact for a conversation this service does not know is logged and dropped.
/// </summary>
public sealed class MediaFactConsumer :
    IConsumer<LegAlerting>,
    IConsumer<LegAnswered>,
    IConsumer<LegHeld>,
    IConsumer<LegResumed>,
    IConsumer<LegMuted>,
    IConsumer<LegUnmuted>,
    IConsumer<LegRemoteHoldChanged>,
    IConsumer<LegCommandFailed>,
    IConsumer<LegEnded>,
    IConsumer<LegTransferRequested>,
    IConsumer<DigitsReceived>,
    IConsumer<RecordingStarted>,
    IConsumer<RecordingStopped>,
    IConsumer<RecordingFailed>
{
    private readonly ConversationCommandService _commands;
    private readonly ILogger<MediaFactConsumer> _logger;

    public MediaFactConsumer(ConversationCommandService commands, ILogger<MediaFactConsumer> logger)
    {
        _commands = commands;
        _logger = logger;
    }

    public Task Consume(ConsumeContext<LegAlerting> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ConfirmLegAlerting(Leg(context.Message.LegId), context.Message.OccurredAt));

    public Task Consume(ConsumeContext<LegAnswered> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ConfirmLegAnswered(Leg(context.Message.LegId), context.Message.OccurredAt));

    public Task Consume(ConsumeContext<LegHeld> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ConfirmLegHeld(Leg(context.Message.LegId), context.Message.OccurredAt));

    public Task Consume(ConsumeContext<LegResumed> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ConfirmLegResumed(Leg(context.Message.LegId), context.Message.OccurredAt));

    public Task Consume(ConsumeContext<LegMuted> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ConfirmLegMuted(Leg(context.Message.LegId), context.Message.OccurredAt));

    public Task Consume(ConsumeContext<LegUnmuted> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ConfirmLegUnmuted(Leg(context.Message.LegId), context.Message.OccurredAt));

    public Task Consume(ConsumeContext<LegRemoteHoldChanged> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ReportRemoteHold(Leg(context.Message.LegId), context.Message.Held, context.Message.OccurredAt));

    public Task Consume(ConsumeContext<LegCommandFailed> context)
    {
        var fact = context.Message;
        return DecideAsync(context, fact.TenantId, fact.ConversationId, fact.WorkerId,
            new Fact.ReportLegCommandFailed(Leg(fact.LegId), fact.Command, fact.SipStatus, fact.Detail, fact.OccurredAt));
    }

    public Task Consume(ConsumeContext<LegEnded> context)
    {
        var fact = context.Message;
        return DecideAsync(context, fact.TenantId, fact.ConversationId, fact.WorkerId,
            new Fact.ReportLegEnded(Leg(fact.LegId), fact.Reason, fact.SipStatus, fact.Initiator, fact.OccurredAt));
    }

    /// <summary>
    /// The far end asked us to transfer its peer (SIP REFER): a blind transfer of that participant, whose target
    /// is the leg the worker already calls.
    /// </summary>
    public Task Consume(ConsumeContext<LegTransferRequested> context)
    {
        var fact = context.Message;
        return DecideAsync(context, fact.TenantId, fact.ConversationId, fact.WorkerId,
            new Command.TransferParticipant(Leg(fact.LegId), fact.Target, TransferKind.Blind, Leg(fact.NewLegId), fact.OccurredAt, ByFarEnd: true));
    }

    public Task Consume(ConsumeContext<DigitsReceived> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ReportDigitsReceived(Leg(context.Message.LegId), context.Message.Digits, context.Message.OccurredAt));

    public Task Consume(ConsumeContext<RecordingStarted> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ConfirmRecordingStarted(context.Message.Path, context.Message.OccurredAt));

    public Task Consume(ConsumeContext<RecordingStopped> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ConfirmRecordingStopped(context.Message.OccurredAt));

    public Task Consume(ConsumeContext<RecordingFailed> context) =>
        DecideAsync(context, context.Message.TenantId, context.Message.ConversationId, context.Message.WorkerId,
            new Fact.ReportRecordingFailed(context.Message.Detail, context.Message.OccurredAt));

    private static ParticipantId Leg(string legId) => new(legId);

    private async Task DecideAsync(ConsumeContext context, string tenantId, string conversationId, string workerId, Fact fact)
    {
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["ConversationId"] = conversationId, ["MessageId"] = context.MessageId?.ToString() ?? "-" });
        var response = await _commands.ExecuteAsync(
            conversationId, new CommandOptions(tenantId, "media:" + workerId), _ => fact, cancellationToken: context.CancellationToken);
        if (response.Status == StatusCodes.Status503ServiceUnavailable)
        {
            // Lost every race on a very busy conversation: a fact is never dropped for that, the bus retries it.
            throw new ConversationBusyException($"{fact.GetType().Name} on conversation {conversationId} lost every append race; retrying");
        }

        if (response.Status == StatusCodes.Status404NotFound)
        {
            _logger.LogWarning("Dropped {Fact} from worker {WorkerId}: {Problem}", fact.GetType().Name, workerId, response.Body);
        }
        else if (response.Status >= 400)
        {
            _logger.LogInformation("{Fact} from worker {WorkerId} decided nothing: {Problem}", fact.GetType().Name, workerId, response.Body);
        }
    }
}

/// <summary>A media fact could not be appended because the conversation kept changing under it.</summary>
public sealed class ConversationBusyException : Exception
{
    public ConversationBusyException()
    {
    }

    public ConversationBusyException(string message)
        : base(message)
    {
    }

    public ConversationBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
