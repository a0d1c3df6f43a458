using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// A request we sent and the responses it gets (RFC 3261 section 17.1), made by
/// <see cref="SipTransactionLayer.SendRequest"/>. What happens is reported to its <see cref="ISipClientTransactionUser"/>.
/// </summary>
public abstract class SipClientTransaction : SipTransaction
{
    private protected SipClientTransaction(
        SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipConnection? connection,
        ISipClientTransactionUser user, SipTransactionState initial)
        : base(layer, key, request, remote, connection, initial)
    {
        User = user;
        RequestBytes = SipWriter.ToArray(request);
    }

    /// <summary>The branch of our top Via, which the responses carry back.</summary>
    public string Branch => Key.Id;

    private protected ISipClientTransactionUser User { get; }

    private protected byte[] RequestBytes { get; }

    internal void Start()
    {
        lock (Gate)
        {
            OnStart();
        }

        Deliver();
    }

    internal void Receive(SipResponse response)
    {
        lock (Gate)
        {
            if (Current != SipTransactionState.Terminated)
            {
                OnResponse(response);
            }
        }

        Deliver();
    }

    /// <summary>Sends the request and arms the first timers; runs under the lock.</summary>
    /// <summary>The current retransmission interval over UDP (timer A or E): T1 at first, then grown by the machine.</summary>
    private protected TimeSpan RetransmitInterval { get; set; }

    /// <summary>
    /// Both machines start alike (RFC 3261 17.1.1.2 and 17.1.2.2): the timeout (B or F) at 64·T1, the first
    /// retransmission (A or E) at T1 over an unreliable transport only, and the request goes out.
    /// </summary>
    private void OnStart()
    {
        Arm(TransactionTimer.Timeout, Options.SixtyFourT1);
        if (!IsReliable)
        {
            RetransmitInterval = Options.T1;
            Arm(TransactionTimer.Retransmit, RetransmitInterval);
        }

        Transmit(RequestBytes);
    }

    /// <summary>A response matched this transaction; runs under the lock, never once terminated.</summary>
    private protected abstract void OnResponse(SipResponse response);

    private protected void PassUp(SipResponse response) => Notify(() => User.OnResponse(this, response));

    private protected override void NotifyFailure(SipTransactionFailure failure) => Notify(() => User.OnFailed(this, failure));
}

/// <summary>The client INVITE machine of RFC 3261 section 17.1.1 with the Accepted state of RFC 6026.</summary>
internal sealed class InviteClientTransaction : SipClientTransaction
{
    private byte[]? _ack;

    public InviteClientTransaction(
        SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipConnection? connection, ISipClientTransactionUser user)
        : base(layer, key, request, remote, connection, user, SipTransactionState.Calling)
    {
    }

    private protected override void OnResponse(SipResponse response)
    {
        switch (Current)
        {
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsProvisional:
                Current = SipTransactionState.Proceeding;
                Disarm(TransactionTimer.Retransmit);
                Disarm(TransactionTimer.Timeout);
                PassUp(response);
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsSuccess:
                Current = SipTransactionState.Accepted;
                Disarm(TransactionTimer.Retransmit);
                Disarm(TransactionTimer.Timeout);
                PassUp(response);
                Arm(TransactionTimer.Linger, Options.SixtyFourT1);
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding:
                Current = SipTransactionState.Completed;
                Disarm(TransactionTimer.Retransmit);
                Disarm(TransactionTimer.Timeout);
                PassUp(response);
                _ack = SipWriter.ToArray(BuildAck(response));
                TerminateAfter(IsReliable ? TimeSpan.Zero : Options.TimerD);
                Transmit(_ack);
                break;
            case SipTransactionState.Accepted when response.IsSuccess:
                PassUp(response);
                break;
            case SipTransactionState.Completed when _ack is not null && response.StatusCode >= 300:
                Transmit(_ack);
                break;
        }
    }

    private protected override void OnTimer(TransactionTimer timer)
    {
        switch (timer)
        {
            case TransactionTimer.Retransmit when Current == SipTransactionState.Calling:
                RetransmitInterval *= 2;
                Arm(TransactionTimer.Retransmit, RetransmitInterval);
                Transmit(RequestBytes);
                break;
            case TransactionTimer.Timeout when Current == SipTransactionState.Calling:
                FailOnce(SipTransactionFailure.Timeout);
                break;
            case TransactionTimer.Linger:
                TerminateNow();
                break;
        }
    }

    /// <summary>
    /// The ACK for a non-2xx final response (RFC 3261 section 17.1.1.3): the INVITE's Request-URI, Call-ID,
    /// From, CSeq number, top Via (so its branch) and Route headers, with the response's To and its tag.
    /// </summary>
    private SipRequest BuildAck(SipResponse response)
    {
        var headers = SipHeaderList.Empty;
        if (Request.Headers.First(SipHeaderNames.Via) is { Parsed: System.Collections.Immutable.ImmutableArray<Via> { IsEmpty: false } vias })
        {
            var top = System.Collections.Immutable.ImmutableArray.Create(vias[0]);
            headers = headers.Add(SipHeader.FromTyped(SipHeaderNames.Via, vias[0].ToString(), top));
        }

        foreach (var header in Request.Headers)
        {
            if (header.Name is SipHeaderNames.From or SipHeaderNames.CallId or SipHeaderNames.Route)
            {
                headers = headers.Add(header);
            }
            else if (header.Name is SipHeaderNames.To)
            {
                headers = headers.Add(response.Headers.First(SipHeaderNames.To) ?? header);
            }
        }

        var number = Request.CSeq?.Number ?? 0;
        return SipRequest.Create(SipMethod.Ack, Request.RequestUri)
            .WithHeaders(headers)
            .WithCSeq(new CSeq(number, SipMethod.Ack))
            .WithMaxForwards(70);
    }
}

/// <summary>The client non-INVITE machine of RFC 3261 section 17.1.2.</summary>
internal sealed class NonInviteClientTransaction : SipClientTransaction
{

    public NonInviteClientTransaction(
        SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipConnection? connection, ISipClientTransactionUser user)
        : base(layer, key, request, remote, connection, user, SipTransactionState.Trying)
    {
    }

    private protected override void OnResponse(SipResponse response)
    {
        if (Current is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
        {
            return;
        }

        PassUp(response);
        if (response.IsProvisional)
        {
            Current = SipTransactionState.Proceeding;
            return;
        }

        Current = SipTransactionState.Completed;
        Disarm(TransactionTimer.Retransmit);
        Disarm(TransactionTimer.Timeout);
        TerminateAfter(IsReliable ? TimeSpan.Zero : Options.T4);
    }

    private protected override void OnTimer(TransactionTimer timer)
    {
        switch (timer)
        {
            case TransactionTimer.Retransmit when Current is SipTransactionState.Trying or SipTransactionState.Proceeding:
                // Once a provisional response shows the request arrived, retransmissions slow to every T2.
                RetransmitInterval = Current == SipTransactionState.Proceeding ? Options.T2 : Min(RetransmitInterval * 2, Options.T2);
                Arm(TransactionTimer.Retransmit, RetransmitInterval);
                Transmit(RequestBytes);
                break;
            case TransactionTimer.Timeout when Current is SipTransactionState.Trying or SipTransactionState.Proceeding:
                FailOnce(SipTransactionFailure.Timeout);
                break;
            case TransactionTimer.Linger:
                TerminateNow();
                break;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
