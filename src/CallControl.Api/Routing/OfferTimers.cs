using System.Collections.Concurrent;
using CallControl.Api.Conversations;
using CallControl.Domain.Conversations;

namespace CallControl.Api.Routing;

/// <summary>
/// Withdraws offers nobody accepted in time. Timers live in the instance that runs the routing subscription
/// and end with its term; the next runner schedules the offers still live again (see
/// <see cref="RoutingSubscription"/>). Expiring an offer that was meanwhile accepted, declined or withdrawn
/// decides nothing, so timers are never cancelled, only deduplicated.
/// </summary>
public sealed class OfferTimers
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<OfferKey, byte> _scheduled = new();
    private readonly ConversationCommandService _commands;
    private readonly TimeProvider _time;
    private readonly ILogger<OfferTimers> _logger;

    public OfferTimers(ConversationCommandService commands, TimeProvider time, ILogger<OfferTimers> logger)
    {
        _commands = commands;
        _time = time;
        _logger = logger;
    }

    /// <summary>Expires the offer at <paramref name="due"/> (at once when that has passed), unless <paramref name="term"/> ends first.</summary>
    public void Schedule(string tenantId, string conversationId, ParticipantId offer, DateTimeOffset due, CancellationToken term)
    {
        var key = new OfferKey(tenantId, conversationId, offer);
        if (_scheduled.TryAdd(key, 0))
        {
            _ = ExpireAsync(key, due, term);
        }
    }

    private async Task ExpireAsync(OfferKey key, DateTimeOffset due, CancellationToken term)
    {
        try
        {
            var wait = due - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, term);
            }

            while (!await TryExpireAsync(key, term))
            {
                await Task.Delay(RetryDelay, _time, term);
            }
        }
        catch (OperationCanceledException) when (term.IsCancellationRequested)
        {
            // The term ended: the next runner schedules this offer again if it is still live.
        }
        finally
        {
            _scheduled.TryRemove(key, out _);
        }
    }

    private async Task<bool> TryExpireAsync(OfferKey key, CancellationToken term)
    {
        try
        {
            var response = await _commands.ExecuteAsync(
                key.ConversationId,
                new CommandOptions(key.TenantId, InboundRouter.Actor),
                now => new ConversationCommand.ExpireOffer(key.Offer, now),
                cancellationToken: term);
            if (response.Status == StatusCodes.Status503ServiceUnavailable)
            {
                return false;
            }

            if (response.Status >= 400)
            {
                _logger.LogInformation("Expiring offer {Offer} on {ConversationId} decided nothing: {Problem}", key.Offer, key.ConversationId, response.Body);
            }

            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !term.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Could not expire offer {Offer} on {ConversationId}; retrying", key.Offer, key.ConversationId);
            return false;
        }
    }

    private readonly record struct OfferKey(string TenantId, string ConversationId, ParticipantId Offer);
}
