using CallControl.Media.Sdp;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;

namespace CallControl.Media.Sip.UserAgent;

public sealed partial class SipCall
{
    /// <summary>
    /// An INVITE that starts a call here: the dialog is created with our tag, the offer (if any) answered in
    /// advance; the transaction layer answers 100 Trying at once, and 180 waits for <see cref="Ring"/> (a B2BUA
    /// rings its caller only once the far leg rings). Null when the INVITE was answered with a failure at once.
    /// </summary>
    /// <param name="replaces">The call its Replaces header matched, hung up once this one is answered.</param>
    internal static SipCall? Receive(
        SipUserAgent agent, SipServerTransaction transaction, SipRequest invite, SdpNegotiator media, NameAddress contact, SipCall? replaces)
    {
        var call = new SipCall(agent, SipCallDirection.Inbound, media, transaction.RemoteEndPoint)
        {
            _invite = invite,
            _inviteServer = transaction,
            Replaces = replaces,
        };
        var dialog = SipDialog.CreateAsUas(invite, SipIdentifiers.NewTag(), contact);
        call._dialog = dialog;
        if (SipTarget.TryResolve(dialog.RemoteTarget, out var remote))
        {
            call.Remote = remote;
        }

        call._sessionAnswer = call.AnswerSessionTimer(invite);
        if (call._sessionAnswer is SessionTimerAnswer.IntervalTooSmall tooSmall)
        {
            transaction.Respond(tooSmall.ApplyTo(dialog.CreateResponse(invite, 422)));
            return null;
        }

        if (!invite.Body.IsEmpty)
        {
            if (!SdpParser.TryParse(invite.Body.Span, out var offer, out var error))
            {
                transaction.Respond(dialog.CreateResponse(invite, 400, $"Bad SDP: {error.Detail}"));
                return null;
            }

            if (!media.TryCreateAnswer(offer, out var answer, out var refusal))
            {
                transaction.Respond(dialog.CreateResponse(invite, 488).WithHeader(SipHeaderNames.Warning, $"399 callcontrol \"{refusal.Detail}\""));
                return null;
            }

            call._pendingBody = SdpWriter.Write(answer);
            call._remoteHolds = media.Current?.RemoteHoldsUs ?? false;
        }
        else
        {
            // Delayed offer: our 2xx carries the offer and the ACK the answer.
            call._pendingBody = SdpWriter.Write(media.CreateOffer());
            call._awaitingAnswerInAck = true;
        }

        call.State = SipCallState.Ringing;
        return call;
    }

    /// <summary>Tells the caller we ring (180 Ringing), once; answering does not need it.</summary>
    public bool Ring() => Ring(earlyMedia: false);

    /// <summary>
    /// Tells the caller we ring, once. With <paramref name="earlyMedia"/> and an offer in the INVITE, that is 183
    /// Session Progress carrying our answer (the same SDP the 2xx will carry), so the caller plays the media we
    /// send before the call is answered (RFC 3960's gateway model), such as a ringback tone; otherwise 180.
    /// </summary>
    /// <returns>False when the call is not an inbound one still ringing, or rang already.</returns>
    public bool Ring(bool earlyMedia)
    {
        lock (_gate)
        {
            if (Direction != SipCallDirection.Inbound || State != SipCallState.Ringing || _final is not null || _rang)
            {
                return false;
            }

            _rang = true;
            if (earlyMedia && !_awaitingAnswerInAck && _pendingBody.Length > 0)
            {
                EarlyMedia = true;
                return _inviteServer!.Respond(_dialog!.CreateResponse(_invite!, 183).WithBody(_pendingBody, "application/sdp"));
            }

            return _inviteServer!.Respond(_dialog!.CreateResponse(_invite!, 180));
        }
    }

    /// <summary>Whether our answer went out early in a 183, so the caller already receives the media we send.</summary>
    public bool EarlyMedia { get; private set; }

    /// <summary>Answers a ringing inbound call with 200 OK and our SDP; it is connected when the ACK arrives.</summary>
    public bool Answer()
    {
        lock (_gate)
        {
            if (Direction != SipCallDirection.Inbound || State != SipCallState.Ringing || _final is not null)
            {
                return false;
            }

            _final = _sessionAnswer.ApplyTo(_dialog!.CreateResponse(_invite!, 200))
                .AddHeader(SipHeaderNames.Allow, SipUserAgent.Allow)
                .AddHeader(SipHeaderNames.Supported, _agent.Supported)
                .WithBody(_pendingBody, "application/sdp");
            _finalConnection = _inviteServer!.Connection;
            _inviteServer.Respond(_final);
            StartRetransmittingLocked();
            return true;
        }
    }

    /// <summary>Refuses a ringing inbound call (486 Busy Here, 603 Decline, 480…).</summary>
    public bool Reject(int statusCode = 603)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        lock (_gate)
        {
            if (Direction != SipCallDirection.Inbound || State != SipCallState.Ringing || _final is not null)
            {
                return false;
            }

            _final = _dialog!.CreateResponse(_invite!, statusCode);
            _inviteServer!.Respond(_final);
            EndLocked(statusCode, SipInitiator.Local);
            return true;
        }
    }

    /// <summary>The caller cancelled before we answered: the INVITE was answered 487 by the transaction layer.</summary>
    internal void Cancelled()
    {
        lock (_gate)
        {
            if (State != SipCallState.Terminated)
            {
                EndLocked(487, SipInitiator.Remote);
            }
        }
    }

    /// <summary>The ACK for our 2xx: the retransmissions stop, a delayed offer gets its answer, and the call is connected.</summary>
    internal void AckReceived(SipRequest ack)
    {
        SipCall? replaced;
        lock (_gate)
        {
            if (_retransmission is null || _retransmission.IsFinished)
            {
                return;
            }

            _retransmission.AckReceived();
            _timer?.Cancel();
            if (_awaitingAnswerInAck)
            {
                _awaitingAnswerInAck = false;
                if (!SdpParser.TryParse(ack.Body.Span, out var answer, out _) || !_media.TryApplyAnswer(answer, out _))
                {
                    // No usable answer where one was owed: the session cannot go on (RFC 3261 13.2.2.4 by analogy).
                    SendByeLocked();
                    return;
                }

                NoteRemoteHoldLocked();
            }

            if (State != SipCallState.Ringing)
            {
                return;
            }

            State = SipCallState.Connected;
            _agent.Raise(new SipCallEvent.Answered(this));
            SessionRefreshedLocked(Negotiated(_sessionAnswer));
            replaced = Replaces;
        }

        // The call this one replaces ends once this one is up (RFC 3891 3), outside our lock: it takes its own.
        replaced?.Hangup();
    }

    private void StartRetransmittingLocked()
    {
        _retransmission = new TwoHundredRetransmission(_agent.Now, _agent.Transactions.Options.T1, _agent.Transactions.Options.T2);
        ScheduleRetransmissionLocked();
    }

    private void ScheduleRetransmissionLocked()
    {
        if (_retransmission?.NextDueAt is not { } due)
        {
            return;
        }

        var delay = due - _agent.Now;
        _timer = _agent.Wheel.Schedule(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, static state => ((SipCall)state!).RetransmissionDue(), this);
    }

    private void RetransmissionDue()
    {
        lock (_gate)
        {
            switch (_retransmission?.Poll(_agent.Now))
            {
                case RetransmissionDecision.Retransmit:
                    _agent.SendDetached(_agent.Transactions.SendResponseStatelessAsync(_final!, _finalConnection));
                    ScheduleRetransmissionLocked();
                    break;
                case RetransmissionDecision.SendBye:
                    // No ACK for 64·T1 (RFC 3261 13.3.1.4): the session is confirmed and ended at once.
                    SendByeLocked();
                    break;
                default:
                    ScheduleRetransmissionLocked();
                    break;
            }
        }
    }
}
