using System.Collections.Concurrent;
using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Api.Observability.Metrics;
using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using MassTransit;

namespace CallControl.Api.Media;

/// <summary>
/// Sends the media commands an append calls for to the conversation's worker, by two roads that share one
/// rule, "each conversation's commands leave in stream order, each append's once":
/// <list type="bullet">
/// <item>right after an append commits in this process (<see cref="AppendedAsync"/>), when the append directly
/// follows the last one sent for its conversation; this is what keeps a command's round trip short;</item>
/// <item>from the log (<see cref="SendFromLogAsync"/>, the media-dispatch subscription), for every append the
/// first road did not take: made elsewhere, out of turn, or while the broker was away.</item>
/// </list>
/// What was sent is remembered per conversation (the newest version sent, for up to
/// <see cref="MaxConversations"/> conversations); what is forgotten is sent again by the log road, and the
/// worker, which knows command ids, acts on it once.
/// </summary>
public sealed class MediaCommandSender : IConversationAppendObserver
{
    /// <summary>Conversations whose newest sent version is remembered; past that the memory starts afresh.</summary>
    public const int MaxConversations = 20_000;

    /// <summary>The longest the fast road waits for the broker before it leaves an append to the log road.</summary>
    public static readonly TimeSpan FastSendTimeout = TimeSpan.FromSeconds(2);

    private const int Stripes = 64;
    private readonly ConcurrentDictionary<(string Tenant, string Conversation), long> _sentUpTo = new();
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly ConcurrentDictionary<string, Uri> _queues = new(StringComparer.Ordinal);
    private readonly IBus _bus;
    private readonly TimeProvider _time;
    private readonly CallControlMetrics _metrics;
    private readonly ILogger<MediaCommandSender> _logger;

    public MediaCommandSender(IBus bus, TimeProvider time, CallControlMetrics metrics, ILogger<MediaCommandSender> logger)
    {
        _bus = bus;
        _time = time;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The fast road: sends an append made here at once, if it is its conversation's next.</summary>
    public async Task AppendedAsync(string tenantId, string conversationId, Conversation.Started after, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        if (after.MediaWorkerId is not { } worker)
        {
            // No worker named yet: the log road assigns one.
            return;
        }

        // The append has committed: neither a slow broker nor a caller that went away may turn that into an error.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(FastSendTimeout);
        var stripe = Stripe(conversationId);
        try
        {
            await stripe.WaitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var sent = _sentUpTo.TryGetValue((tenantId, conversationId), out var upTo) ? upTo : 0;
            if (events[0].Version != sent + 1)
            {
                // An append before it has not left yet (or is not known here): the log road keeps the order.
                return;
            }

            await SendAsync(tenantId, conversationId, after, events, worker, Road.Append, limit.Token);
        }
        catch (Exception exception)
        {
            // The log road sends the commands once the broker takes them.
            _logger.LogWarning(exception, "Sending media commands for conversation {ConversationId} at once failed; they follow from the log", conversationId);
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>
    /// The log road: sends an append's commands unless they were sent already, and says whether it sent any.
    /// Failures propagate, so the subscription reads the batch again.
    /// </summary>
    public async Task<bool> SendFromLogAsync(
        string tenantId, string conversationId, Conversation.Started after, IReadOnlyList<StoredEvent> events, string worker, CancellationToken cancellationToken)
    {
        var stripe = Stripe(conversationId);
        await stripe.WaitAsync(cancellationToken);
        try
        {
            return !WasSent(tenantId, conversationId, events[^1].Version)
                && await SendAsync(tenantId, conversationId, after, events, worker, Road.Log, cancellationToken) > 0;
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>Whether the commands of the append ending at <paramref name="version"/> are known to have left already.</summary>
    public bool WasSent(string tenantId, string conversationId, long version) =>
        _sentUpTo.TryGetValue((tenantId, conversationId), out var upTo) && version <= upTo;

    /// <summary>Whether the append calls for any media command (the log road asks before naming a worker).</summary>
    public IReadOnlyList<object> Plan(string tenantId, string conversationId, Conversation.Started after, IReadOnlyList<StoredEvent> events) =>
        MediaCommandPlanner.Plan(
            tenantId,
            after,
            [.. events.Select(e => new PlannedEvent(e.Id, e.Version, ConversationEventSerializer.Deserialize(e)))],
            _time.GetUtcNow());

    /// <summary>Sends the append's commands (if any) and remembers the append as sent; returns how many it sent.</summary>
    private async Task<int> SendAsync(
        string tenantId, string conversationId, Conversation.Started after, IReadOnlyList<StoredEvent> events, string worker, string road, CancellationToken cancellationToken)
    {
        var commands = Plan(tenantId, conversationId, after, events);
        if (commands.Count > 0)
        {
            var endpoint = await _bus.GetSendEndpoint(_queues.GetOrAdd(worker, id => new Uri("queue:" + MediaQueues.ForWorker(id))));
            foreach (var command in commands)
            {
                await endpoint.Send(command, command.GetType(), cancellationToken);
            }

            _metrics.MediaCommandsSent(commands.Count, road);

            _logger.LogDebug("Sent {Count} commands for conversation {ConversationId} to worker {WorkerId}", commands.Count, conversationId, worker);
        }

        Remember(tenantId, conversationId, events[^1].Version);
        return commands.Count;
    }

    private void Remember(string tenantId, string conversationId, long version)
    {
        // Kept after a conversation ends too, so the log road does not send its last commands again when it
        // reads them; the memory starts afresh when full.
        if (_sentUpTo.Count >= MaxConversations)
        {
            _sentUpTo.Clear();
        }

        _sentUpTo[(tenantId, conversationId)] = version;
    }

    /// <summary>The roads, as the metrics name them.</summary>
    private static class Road
    {
        public const string Append = "append";
        public const string Log = "log";
    }

    private SemaphoreSlim Stripe(string conversationId) =>
        _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(conversationId) % Stripes)];
}
