using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Domain.Conversations;
using Npgsql;
using static CallControl.Domain.Conversations.ConversationEvent;

namespace CallControl.Api.Routing;

/// <summary>
/// Routing's reading of the log (one runner across instances): each offer gets a timer from the time it was
/// made (the event's <c>At</c>), and each disconnect routes its conversation again, which offers the next agent
/// when the caller still rings with no agent left. Routing happens inside the batch, so a crash before the
/// checkpoint moves routes again (a no-op once someone is offered). At the start of a term the offers still
/// live are scheduled again and waiting callers routed, which covers whatever the previous runner left.
/// </summary>
public sealed class RoutingSubscription : IEventSubscription
{
    private const string LiveInbound = "SELECT tenant_id, id FROM conversations WHERE state <> 'ended' AND direction = 'inbound' ORDER BY tenant_id, id";

    private static readonly TimeSpan ResumeRetryDelay = TimeSpan.FromSeconds(1);

    private readonly InboundRouter _router;
    private readonly OfferTimers _timers;
    private readonly RoutingTable _table;
    private readonly ConversationCommandService _commands;
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger<RoutingSubscription> _logger;

    public RoutingSubscription(
        InboundRouter router,
        OfferTimers timers,
        RoutingTable table,
        ConversationCommandService commands,
        NpgsqlDataSource dataSource,
        TimeProvider time,
        ILogger<RoutingSubscription> logger)
    {
        _router = router;
        _timers = timers;
        _table = table;
        _commands = commands;
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
    }

    public string Name => "routing";

    public async Task HandleAsync(SubscriptionBatch batch, CancellationToken cancellationToken)
    {
        var disconnects = new List<(string TenantId, string ConversationId)>();
        foreach (var stored in batch.Events)
        {
            switch (stored.Type)
            {
                case nameof(ParticipantAdded):
                    if (ConversationEventSerializer.Deserialize(stored) is ParticipantAdded { IsOffer: true } offer)
                    {
                        _timers.Schedule(stored.TenantId, stored.StreamId, offer.ParticipantId, offer.At + _table.OfferTimeout, cancellationToken);
                    }

                    break;
                case nameof(ParticipantDisconnected):
                    disconnects.Add((stored.TenantId, stored.StreamId));
                    break;
            }
        }

        foreach (var (tenantId, conversationId) in disconnects.Distinct())
        {
            await _router.RouteAsync(tenantId, conversationId, cancellationToken);
        }
    }

    public void OnTermStarted(CancellationToken term) => _ = ResumeAsync(term);

    private async Task ResumeAsync(CancellationToken term)
    {
        while (!term.IsCancellationRequested)
        {
            try
            {
                await ResumeLiveOffersAsync(term);
                return;
            }
            catch (OperationCanceledException) when (term.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Could not resume live offers; retrying");
                await Task.Delay(ResumeRetryDelay, _time, term).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ResumeLiveOffersAsync(CancellationToken term)
    {
        var live = new List<(string TenantId, string ConversationId)>();
        await using (var command = _dataSource.CreateCommand(LiveInbound))
        await using (var reader = await command.ExecuteReaderAsync(term))
        {
            while (await reader.ReadAsync(term))
            {
                live.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (tenantId, conversationId) in live)
        {
            var loaded = await _commands.LoadAsync(tenantId, conversationId, term);
            if (loaded.State is not Conversation.Live conversation)
            {
                continue;
            }

            foreach (var offer in conversation.Participants.Where(p => p.IsOffer && !p.OfferAccepted && !p.IsDisconnected))
            {
                _timers.Schedule(tenantId, conversationId, offer.Id, offer.AddedAt + _table.OfferTimeout, term);
            }

            await _router.RouteAsync(tenantId, conversationId, term);
        }

        _logger.LogInformation("Routing resumed {Count} live inbound conversations", live.Count);
    }
}
