using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Domain.Conversations;

namespace CallControl.Api.Media;

/// <summary>
/// The media dispatch subscription: reads the conversations' events in commit order and has
/// <see cref="MediaCommandSender"/> send each worker the commands they call for (see
/// <see cref="MediaCommandPlanner"/>) that did not leave right after their append, on the queue of the worker
/// that owns the conversation. A batch whose sends fail is read again (the checkpoint stays), so nothing is
/// lost while the broker is away; commands sent twice carry the same id and the worker acts once.
/// </summary>
public sealed class MediaDispatch : IEventSubscription
{
    private static readonly HashSet<string> ConversationEventTypes = [.. ConversationEventSerializer.TypeNames];
    private readonly ConversationStates _states;
    private readonly ConversationCommandService _commands;
    private readonly MediaWorkerRegistry _workers;
    private readonly MediaCommandSender _sender;
    private readonly ILogger<MediaDispatch> _logger;

    public MediaDispatch(
        ConversationStates states,
        ConversationCommandService commands,
        MediaWorkerRegistry workers,
        MediaCommandSender sender,
        ILogger<MediaDispatch> logger)
    {
        _states = states;
        _commands = commands;
        _workers = workers;
        _sender = sender;
        _logger = logger;
    }

    public string Name => "media-dispatch";

    /// <summary>Most appends' commands have left already (right after the append), so the log can be read at a slower pace.</summary>
    public TimeSpan Pace => TimeSpan.FromMilliseconds(25);

    public async Task HandleAsync(SubscriptionBatch batch, CancellationToken cancellationToken)
    {
        foreach (var append in Appends.Of(batch.Events.Where(e => ConversationEventTypes.Contains(e.Type)).ToList()))
        {
            await DispatchAsync(batch, append, cancellationToken);
        }
    }

    private async Task DispatchAsync(SubscriptionBatch batch, IReadOnlyList<StoredEvent> append, CancellationToken cancellationToken)
    {
        var tenant = append[0].TenantId;
        var conversationId = append[0].StreamId;
        if (_sender.WasSent(tenant, conversationId, append[^1].Version))
        {
            // The usual case: sent right after the append, in this process.
            return;
        }

        var loaded = await _states.LoadAsync(batch.Connection, batch.Transaction, tenant, conversationId, append[^1].Version, cancellationToken);
        if (loaded.State is not Conversation.Started after)
        {
            return;
        }

        var worker = after.MediaWorkerId;
        if (worker is null)
        {
            if (_sender.Plan(tenant, conversationId, after, append).Count == 0)
            {
                return;
            }

            worker = await AssignWorkerAsync(tenant, conversationId, cancellationToken);
            if (worker is null)
            {
                // Nobody can carry the call: the watchdog ends its legs once the heartbeat timeout has passed.
                _logger.LogWarning("No media worker is alive for conversation {ConversationId}; its commands wait for none", conversationId);
                return;
            }
        }

        if (await _sender.SendFromLogAsync(tenant, conversationId, after, append, worker, cancellationToken))
        {
            // The checkpoint moves with the batch then, so that a restart does not send these again.
            await batch.BeginAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Names a live worker for a conversation that has none yet (created while none was known). The first
    /// assignment in the stream wins, so a replay or a racing instance ends up on the same worker.
    /// </summary>
    private async Task<string?> AssignWorkerAsync(string tenant, string conversationId, CancellationToken cancellationToken)
    {
        // Outside the batch's transaction: an assignment committed after the batch began must be seen.
        var latest = await _commands.LoadAsync(tenant, conversationId, cancellationToken);
        if (latest.State is Conversation.Started { MediaWorkerId: { } assigned })
        {
            return assigned;
        }

        if (_workers.Pick() is not { } candidate)
        {
            return null;
        }

        await _commands.ExecuteAsync(
            conversationId,
            new CommandOptions(tenant, "media-dispatch"),
            at => new ConversationCommand.AssignMediaWorker(candidate, at),
            cancellationToken: cancellationToken);
        var assignedNow = await _commands.LoadAsync(tenant, conversationId, cancellationToken);
        return (assignedNow.State as Conversation.Started)?.MediaWorkerId;
    }
}
