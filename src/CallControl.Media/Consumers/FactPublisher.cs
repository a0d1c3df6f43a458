using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace CallControl.Media.Consumers;

/// <summary>
/// The one way the worker's facts reach the bus: queued here by the fact pump and the command consumer, and
/// published in that order by one loop. A publish that fails (the broker is down) is tried again with a
/// backoff from <see cref="FirstRetryDelay"/> doubling up to <see cref="LongestRetryDelay"/> until it goes
/// out or the worker gives up on stopping, so no fact is skipped and none overtakes another.
/// </summary>
public sealed class FactPublisher
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan LongestRetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<object> _facts = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IBus _bus;
    private readonly TimeProvider _time;
    private readonly ILogger<FactPublisher> _logger;

    public FactPublisher(IBus bus, TimeProvider time, ILogger<FactPublisher> logger)
    {
        _bus = bus;
        _time = time;
        _logger = logger;
    }

    /// <summary>Queues a fact (a contract record from <c>CallControl.Domain.Media</c>) for publishing.</summary>
    public void Enqueue(object fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (!_facts.Writer.TryWrite(fact))
        {
            _logger.LogWarning("The worker has stopped publishing; {Fact} not sent", fact);
        }
    }

    /// <summary>No more facts will come: <see cref="RunAsync"/> ends once the queue is empty.</summary>
    public void Complete() => _facts.Writer.TryComplete();

    /// <summary>Publishes queued facts in order until <see cref="Complete"/> and an empty queue, or until <paramref name="abandon"/>.</summary>
    public async Task RunAsync(CancellationToken abandon)
    {
        try
        {
            await foreach (var fact in _facts.Reader.ReadAllAsync(abandon))
            {
                await PublishAsync(fact, abandon);
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            var left = _facts.Reader.Count;
            if (left > 0)
            {
                _logger.LogWarning("Stopped with {Count} facts not published", left);
            }
        }
    }

    private async Task PublishAsync(object fact, CancellationToken abandon)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                await _bus.Publish(fact, fact.GetType(), abandon);
                _logger.LogDebug("Published {Fact}", fact);
                return;
            }
            catch (Exception exception) when (!abandon.IsCancellationRequested && exception is not OutOfMemoryException)
            {
                _logger.LogWarning(exception, "Publishing {FactType} failed; trying again in {Delay}", fact.GetType().Name, delay);
            }

            await Task.Delay(delay, _time, abandon);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
        }
    }
}
