using System.Threading.Channels;

namespace CallControl.Media.Sip.Transport;

/// <summary>
/// The bounded inbound queue and, behind it, the small overload queue that takes what the first one has no
/// room for, so the layer above can answer those with 503 and Retry-After instead of losing them unseen.
/// </summary>
internal sealed class InboundQueues
{
    private readonly Channel<InboundSipMessage> _inbound;
    private readonly Channel<InboundSipMessage> _overloaded;

    public InboundQueues(int inboundCapacity, int overloadCapacity)
    {
        _inbound = Channel.CreateBounded<InboundSipMessage>(new BoundedChannelOptions(inboundCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
        _overloaded = Channel.CreateBounded<InboundSipMessage>(new BoundedChannelOptions(overloadCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<InboundSipMessage> Inbound => _inbound.Reader;

    public ChannelReader<InboundSipMessage> Overloaded => _overloaded.Reader;

    /// <summary>Queues without waiting; false when both queues are full or closed.</summary>
    public bool TryEnqueue(InboundSipMessage message) =>
        _inbound.Writer.TryWrite(message) || _overloaded.Writer.TryWrite(message);

    /// <summary>Queues, waiting for room in either queue; false once the queues are closed.</summary>
    public async ValueTask<bool> EnqueueAsync(InboundSipMessage message, CancellationToken cancellationToken)
    {
        while (!TryEnqueue(message))
        {
            using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var room = await Task.WhenAny(
                _inbound.Writer.WaitToWriteAsync(waiting.Token).AsTask(),
                _overloaded.Writer.WaitToWriteAsync(waiting.Token).AsTask()).ConfigureAwait(false);
            await waiting.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (!await room.ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    public void Complete()
    {
        _inbound.Writer.TryComplete();
        _overloaded.Writer.TryComplete();
    }
}
