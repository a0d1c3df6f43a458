using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// A request we received and the responses we send to it (RFC 3261 section 17.2). The user gets it in
/// <see cref="ISipTransactionUser.OnRequest"/> and answers with <see cref="Respond"/>; retransmitted requests
/// are answered here with the last response and never reach the user.
/// </summary>
public abstract class SipServerTransaction : SipTransaction
{
    private string? _toTag;
    private bool _seenByUser;

    private protected SipServerTransaction(
        SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipConnection? connection, SipTransactionState initial)
        : base(layer, key, request, remote, connection, initial)
    {
    }

    /// <summary>Where the request came from, as seen on the socket.</summary>
    public required SipEndPoint Source { get; init; }

    /// <summary>The local address and port it arrived on.</summary>
    public required SipEndPoint Local { get; init; }

    /// <summary>The To tag of the responses sent so far, or null while none carried one.</summary>
    public string? ToTag
    {
        get
        {
            lock (Gate)
            {
                return _toTag;
            }
        }
    }

    internal OriginKey? Origin { get; init; }

    /// <summary>
    /// Sends a response, to be retransmitted and absorbed as the machine requires. False, with nothing sent,
    /// when the state takes no such response: a final response was already sent (except further 2xx to an
    /// INVITE in Accepted, which the dialog layer retransmits through here until timer L), or the transaction ended.
    /// </summary>
    public bool Respond(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var bytes = SipWriter.ToArray(response);
        bool accepted;
        lock (Gate)
        {
            accepted = Current != SipTransactionState.Terminated && OnRespond(response, bytes);
            if (accepted && response.To?.Tag is { } tag)
            {
                _toTag = tag;
            }
        }

        Deliver();
        return accepted;
    }

    /// <summary>
    /// A response with the standard reason phrase built from the request, carrying the To tag already sent
    /// or a fresh one (none on 100), and sent as by <see cref="Respond"/>.
    /// </summary>
    public bool Respond(int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        return Respond(SipResponse.Create(Request, statusCode, toTag: statusCode == 100 ? null : ToTag ?? SipIdentifiers.NewTag()));
    }

    /// <summary>Hands the request to the user, then covers what the user left unanswered.</summary>
    internal void Begin(ISipTransactionUser user)
    {
        lock (Gate)
        {
            _seenByUser = true;
            Notify(() =>
            {
                try
                {
                    user.OnRequest(this, Request);
                }
                catch (Exception exception)
                {
                    Layer.OnUserCallFailed(exception);
                    Respond(500);
                }

                AfterUserSawRequest();
            });
        }

        Deliver();
    }

    /// <summary>A retransmission of the request arrived.</summary>
    internal void ReceiveRetransmission()
    {
        lock (Gate)
        {
            if (Current != SipTransactionState.Terminated)
            {
                OnRetransmission();
            }
        }

        Deliver();
    }

    /// <summary>The To tag sent so far; read under the lock.</summary>
    private protected string? CurrentToTag => _toTag;

    /// <summary>Keeps the To tag the next response will carry, making one up when none was sent yet.</summary>
    private protected string ReserveToTag() => _toTag ??= SipIdentifiers.NewTag();

    private protected virtual void AfterUserSawRequest()
    {
    }

    /// <summary>Takes a response from the user; runs under the lock, never once terminated.</summary>
    private protected abstract bool OnRespond(SipResponse response, byte[] bytes);

    /// <summary>Answers a retransmitted request; runs under the lock, never once terminated.</summary>
    private protected abstract void OnRetransmission();

    /// <summary>Only a transaction the user was given hears of its failure, not one the layer answered alone (481, 482, CANCEL).</summary>
    private protected override void NotifyFailure(SipTransactionFailure failure)
    {
        if (_seenByUser)
        {
            Notify(() => Layer.User.OnServerTransactionFailed(this, failure));
        }
    }
}

/// <summary>
/// The server INVITE machine of RFC 3261 section 17.2.1 as changed by RFC 6026: a 2xx leads to Accepted,
/// where the dialog layer retransmits it and retransmitted INVITEs are absorbed, until timer L.
/// </summary>
internal sealed class InviteServerTransaction : SipServerTransaction
{
    private byte[]? _provisional;
    private byte[]? _final;
    private TimeSpan _interval;

    public InviteServerTransaction(
        SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipConnection? connection)
        : base(layer, key, request, remote, connection, SipTransactionState.Proceeding)
    {
    }

    /// <summary>
    /// An ACK matched: in Completed it confirms the non-2xx and is absorbed, as in Confirmed. False when the
    /// user should see it: in Accepted (an RFC 2543 peer's ACK for our 2xx), or when an RFC 2543 ACK's To
    /// tag is not the one we answered with.
    /// </summary>
    internal bool ReceiveAck(SipRequest ack)
    {
        bool absorbed;
        lock (Gate)
        {
            absorbed = Current switch
            {
                _ when Key.IsLegacy && ack.To?.Tag is { } tag && !string.Equals(tag, CurrentToTag, StringComparison.Ordinal) => false,
                SipTransactionState.Accepted => false,
                SipTransactionState.Completed => Confirm(),
                _ => true,
            };
        }

        Deliver();
        return absorbed;
    }

    /// <summary>
    /// A CANCEL matched. Returns the To tag its 200 should carry (the INVITE's), then <see cref="Cancel"/>
    /// ends the INVITE with 487 if it is still pending.
    /// </summary>
    internal string PrepareCancel()
    {
        lock (Gate)
        {
            return ReserveToTag();
        }
    }

    internal void Cancel(SipRequest cancel)
    {
        lock (Gate)
        {
            if (Current == SipTransactionState.Proceeding)
            {
                var terminated = SipResponse.Create(Request, 487, toTag: ReserveToTag());
                Notify(() => Layer.User.OnCancelled(this, cancel));
                OnRespond(terminated, SipWriter.ToArray(terminated));
            }
        }

        Deliver();
    }

    private protected override void AfterUserSawRequest()
    {
        lock (Gate)
        {
            if (Current == SipTransactionState.Proceeding && _provisional is null)
            {
                var trying = SipResponse.Create(Request, 100);
                _provisional = SipWriter.ToArray(trying);
                Transmit(_provisional);
            }
        }
    }

    private protected override bool OnRespond(SipResponse response, byte[] bytes)
    {
        switch (Current)
        {
            case SipTransactionState.Proceeding when response.IsProvisional:
                _provisional = bytes;
                Transmit(bytes);
                return true;
            case SipTransactionState.Proceeding when response.IsSuccess:
                Current = SipTransactionState.Accepted;
                Arm(TransactionTimer.Linger, Options.SixtyFourT1);
                Transmit(bytes);
                return true;
            case SipTransactionState.Proceeding:
                Current = SipTransactionState.Completed;
                _final = bytes;
                Arm(TransactionTimer.Timeout, Options.SixtyFourT1);
                if (!IsReliable)
                {
                    _interval = Options.T1;
                    Arm(TransactionTimer.Retransmit, _interval);
                }

                Transmit(bytes);
                return true;
            case SipTransactionState.Accepted when response.IsSuccess:
                Transmit(bytes);
                return true;
            default:
                return false;
        }
    }

    private protected override void OnRetransmission()
    {
        switch (Current)
        {
            case SipTransactionState.Proceeding when _provisional is not null:
                Transmit(_provisional);
                break;
            case SipTransactionState.Completed when _final is not null:
                Transmit(_final);
                break;
        }
    }

    private protected override void OnTimer(TransactionTimer timer)
    {
        switch (timer)
        {
            case TransactionTimer.Retransmit when Current == SipTransactionState.Completed && _final is not null:
                _interval = _interval * 2 < Options.T2 ? _interval * 2 : Options.T2;
                Arm(TransactionTimer.Retransmit, _interval);
                Transmit(_final);
                break;
            case TransactionTimer.Timeout when Current == SipTransactionState.Completed:
                FailOnce(SipTransactionFailure.Timeout);
                break;
            case TransactionTimer.Linger:
                TerminateNow();
                break;
        }
    }

    private bool Confirm()
    {
        Current = SipTransactionState.Confirmed;
        Disarm(TransactionTimer.Retransmit);
        Disarm(TransactionTimer.Timeout);
        TerminateAfter(IsReliable ? TimeSpan.Zero : Options.T4);
        return true;
    }
}

/// <summary>The server non-INVITE machine of RFC 3261 section 17.2.2.</summary>
internal sealed class NonInviteServerTransaction : SipServerTransaction
{
    private byte[]? _last;

    public NonInviteServerTransaction(
        SipTransactionLayer layer, TransactionKey key, SipRequest request, SipEndPoint remote, SipConnection? connection)
        : base(layer, key, request, remote, connection, SipTransactionState.Trying)
    {
    }

    private protected override bool OnRespond(SipResponse response, byte[] bytes)
    {
        if (Current is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
        {
            return false;
        }

        _last = bytes;
        if (response.IsProvisional)
        {
            Current = SipTransactionState.Proceeding;
        }
        else
        {
            Current = SipTransactionState.Completed;
            TerminateAfter(IsReliable ? TimeSpan.Zero : Options.SixtyFourT1);
        }

        Transmit(bytes);
        return true;
    }

    private protected override void OnRetransmission()
    {
        // In Trying there is nothing to repeat yet: the user is still working on the request.
        if (_last is not null)
        {
            Transmit(_last);
        }
    }

    private protected override void OnTimer(TransactionTimer timer)
    {
        if (timer == TransactionTimer.Linger)
        {
            TerminateNow();
        }
    }
}
