using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// What the four transaction machines share: one lock that serialises a transaction's state changes, its
/// timers on the layer's <see cref="TimerWheel"/>, sending, and an ordered queue of calls to the user that
/// is drained outside the lock.
/// </summary>
/// <remarks>
/// Every change runs as: take the lock, change state, queue user calls, release, deliver. Sending happens
/// under the lock (it never blocks: the transport's send is asynchronous) and is each change's last step,
/// so a send that fails at once can end the transaction without a later step undoing that.
/// </remarks>
public abstract class SipTransaction
{
    private const int TimerKinds = 3;

    private readonly Lock _gate = new();
    private readonly Queue<Action> _calls = new();
    private readonly ScheduledTimer?[] _timers = new ScheduledTimer?[TimerKinds];
    private readonly int[] _generations = new int[TimerKinds];
    private SipTransactionState _state;
    private bool _delivering;

    private protected SipTransaction(
        SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipConnection? connection, SipTransactionState initial)
    {
        Layer = layer;
        Key = key;
        Request = request;
        RemoteEndPoint = remote;
        Connection = connection;
        _state = initial;
    }

    /// <summary>
    /// The request: as sent, with our Via, for a client transaction; as received, with <c>received</c> and
    /// <c>rport</c> filled in, for a server transaction.
    /// </summary>
    public SipRequest Request { get; }

    /// <summary>Where the transaction sends: the next hop of a request, or where responses to a request go.</summary>
    public SipEndPoint RemoteEndPoint { get; }

    /// <summary>The TCP connection messages go on while it is open; null over UDP or to open one as needed.</summary>
    public SipConnection? Connection { get; }

    /// <summary>True over TCP, where the transport is reliable and nothing is retransmitted.</summary>
    public bool IsReliable => RemoteEndPoint.Kind == SipTransportKind.Tcp;

    public SipTransactionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    internal TransactionKey Key { get; }

    private protected SipTransactionLayer Layer { get; }

    private protected SipTransactionOptions Options => Layer.Options;

    private protected Lock Gate => _gate;

    /// <summary>The state, read or changed only under <see cref="Gate"/>.</summary>
    private protected SipTransactionState Current
    {
        get => _state;
        set => _state = value;
    }

    public override string ToString() => $"{GetType().Name} {Request.Method} {Key.Id.Split('\n')[0]} {State}";

    /// <summary>Runs the queued user calls in order, unless another thread already is; never under the lock.</summary>
    internal void Deliver()
    {
        lock (_gate)
        {
            if (_delivering)
            {
                return;
            }

            _delivering = true;
        }

        while (true)
        {
            Action call;
            lock (_gate)
            {
                if (!_calls.TryDequeue(out call!))
                {
                    _delivering = false;
                    return;
                }
            }

            try
            {
                call();
            }
            catch (Exception exception)
            {
                Layer.OnUserCallFailed(exception);
            }
        }
    }

    /// <summary>Queues a call to the user, delivered in order once the lock is released.</summary>
    private protected void Notify(Action call) => _calls.Enqueue(call);

    private protected void Arm(TransactionTimer timer, TimeSpan delay)
    {
        var index = (int)timer;
        _timers[index]?.Cancel();
        var generation = ++_generations[index];
        try
        {
            _timers[index] = Layer.Wheel.Schedule(delay, () => Fire(timer, generation));
        }
        catch (ObjectDisposedException)
        {
            // The wheel stops only with the process; a transaction still running then just never times out.
            _timers[index] = null;
        }
    }

    private protected void Disarm(TransactionTimer timer)
    {
        var index = (int)timer;
        _timers[index]?.Cancel();
        _timers[index] = null;
        _generations[index]++;
    }

    /// <summary>Ends the transaction after <paramref name="delay"/>, or now when it is zero (a reliable transport).</summary>
    private protected void TerminateAfter(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            TerminateNow();
        }
        else
        {
            Arm(TransactionTimer.Linger, delay);
        }
    }

    private protected void TerminateNow()
    {
        if (_state == SipTransactionState.Terminated)
        {
            return;
        }

        _state = SipTransactionState.Terminated;
        for (var i = 0; i < TimerKinds; i++)
        {
            Disarm((TransactionTimer)i);
        }

        Layer.Forget(this);
    }

    /// <summary>
    /// Hands bytes to the transport. A failure known at once fails the transaction here; one found later
    /// fails it then. Call it last in a change.
    /// </summary>
    private protected void Transmit(byte[] message)
    {
        ValueTask<SipSendResult> sending;
        try
        {
            sending = Layer.Wire.SendAsync(message, RemoteEndPoint, Connection);
        }
        catch (Exception exception) when (exception is ObjectDisposedException or InvalidOperationException or ArgumentException)
        {
            FailOnce(SipTransactionFailure.TransportError);
            return;
        }

        if (!sending.IsCompleted)
        {
            _ = CompleteSendAsync(sending);
            return;
        }

        if (Outcome(sending) != SipSendResult.Sent)
        {
            FailOnce(SipTransactionFailure.TransportError);
        }
    }

    /// <summary>Tells the user and ends the transaction, unless it has ended already.</summary>
    private protected void FailOnce(SipTransactionFailure failure)
    {
        if (_state == SipTransactionState.Terminated)
        {
            return;
        }

        TerminateNow();
        NotifyFailure(failure);
    }

    /// <summary>Queues the call that tells the user of <paramref name="failure"/>.</summary>
    private protected abstract void NotifyFailure(SipTransactionFailure failure);

    /// <summary>A timer of this transaction fired; runs under the lock, never for a cancelled or replaced timer.</summary>
    private protected abstract void OnTimer(TransactionTimer timer);

    private static SipSendResult Outcome(ValueTask<SipSendResult> sending)
    {
        try
        {
            return sending.Result;
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or IOException or System.Net.Sockets.SocketException)
        {
            return SipSendResult.SendFailed;
        }
    }

    private async Task CompleteSendAsync(ValueTask<SipSendResult> sending)
    {
        SipSendResult result;
        try
        {
            result = await sending.ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or IOException or System.Net.Sockets.SocketException)
        {
            result = SipSendResult.SendFailed;
        }

        if (result == SipSendResult.Sent)
        {
            return;
        }

        lock (_gate)
        {
            FailOnce(SipTransactionFailure.TransportError);
        }

        Deliver();
    }

    private void Fire(TransactionTimer timer, int generation)
    {
        lock (_gate)
        {
            var index = (int)timer;
            if (generation != _generations[index] || _state == SipTransactionState.Terminated)
            {
                return;
            }

            _timers[index] = null;
            OnTimer(timer);
        }

        Deliver();
    }
}

/// <summary>
/// The three timers a transaction may have running at once: the retransmission timer (A, E, G), the
/// timeout (B, F, H) and the one that ends the transaction (D, I, J, K, L, M).
/// </summary>
internal enum TransactionTimer
{
    Retransmit,
    Timeout,
    Linger,
}
