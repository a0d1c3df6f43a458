using CallControl.Media.Sdp;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.UserAgent;

public sealed partial class SipCall
{
    /// <summary>Puts the far end on hold with a re-INVITE (sendonly, or inactive when it holds us). False when the call cannot now.</summary>
    public bool Hold() => ChangeHold(hold: true);

    /// <summary>Takes the far end off hold with a re-INVITE (sendrecv).</summary>
    public bool Resume() => ChangeHold(hold: false);

    /// <summary>
    /// Ends the call however it stands: BYE when connected, CANCEL for an outbound call not yet answered,
    /// 480 for an inbound one still ringing.
    /// </summary>
    public void Hangup()
    {
        lock (_gate)
        {
            switch (State)
            {
                case SipCallState.Connected:
                    SendByeLocked();
                    return;
                case SipCallState.Calling or SipCallState.Ringing when Direction == SipCallDirection.Outbound:
                    Cancel();
                    return;
                case SipCallState.Ringing when _final is null:
                    Reject(480);
                    return;
                case SipCallState.Ringing:
                    // Answered but not yet acknowledged: the dialog exists, so BYE (RFC 3261 15).
                    SendByeLocked();
                    return;
            }
        }
    }

    /// <summary>A request in this call's dialog: checked by the dialog (481, 491, 500 with Retry-After…), then handled.</summary>
    internal void Receive(SipServerTransaction transaction, SipRequest request, SipDialog dialog)
    {
        lock (_gate)
        {
            switch (dialog.ReceiveRequest(request))
            {
                case RequestVerdict.Rejected rejected:
                    transaction.Respond(rejected.Response);
                    return;
                case RequestVerdict.Accepted:
                    break;
                default:
                    transaction.Respond(481);
                    return;
            }

            if (request.Method == SipMethod.Bye)
            {
                transaction.Respond(dialog.CreateResponse(request, 200));
                EndLocked(200, SipInitiator.Remote);
            }
            else if (request.Method == SipMethod.Invite || request.Method == SipMethod.Update)
            {
                SessionRequestLocked(transaction, request, dialog);
            }
            else if (request.Method == SipMethod.Refer)
            {
                ReferReceivedLocked(transaction, request, dialog);
            }
            else if (request.Method == SipMethod.Notify)
            {
                NotifyReceivedLocked(transaction, request, dialog);
            }
            else
            {
                transaction.Respond(dialog.CreateResponse(request, 200));
                if (request.Method == SipMethod.Info)
                {
                    _agent.Raise(new SipCallEvent.InfoReceived(this, request.ContentType, request.Body));
                }
            }
        }
    }

    /// <summary>Matches an INVITE's Replaces header against this call's dialog, under the call's lock.</summary>
    internal ReplacesMatch MatchReplaces(SipRequest invite)
    {
        lock (_gate)
        {
            var table = new DialogTable();
            if (_dialog is not null)
            {
                table.Add(_dialog);
            }

            return table.MatchReplaces(invite);
        }
    }

    /// <summary>A 2xx to our INVITE after its transaction ended: our ACK was lost, so it goes again.</summary>
    internal void StrayResponse(SipResponse response)
    {
        lock (_gate)
        {
            if (response.IsSuccess && response.CSeq is { Method.Name: "INVITE" } && _lastAck is not null)
            {
                _agent.SendDetached(_agent.Transactions.SendAckAsync(_lastAck, _ackDestination));
            }
        }
    }

    /// <summary>Our final response to the INVITE could not be delivered, or no ACK came for a failure.</summary>
    internal void ServerFailed()
    {
        lock (_gate)
        {
            if (State == SipCallState.Ringing)
            {
                EndLocked(408, SipInitiator.Remote);
            }
        }
    }

    /// <summary>
    /// A re-INVITE or UPDATE: its session timer headers are answered (422 when the interval is too small),
    /// an offer in it is answered, and its 2xx refreshes the session.
    /// </summary>
    private void SessionRequestLocked(SipServerTransaction transaction, SipRequest request, SipDialog dialog)
    {
        var timer = AnswerSessionTimer(request);
        if (timer is SessionTimerAnswer.IntervalTooSmall)
        {
            transaction.Respond(timer.ApplyTo(dialog.CreateResponse(request, 422)));
            return;
        }

        if (request.Method == SipMethod.Invite || !request.Body.IsEmpty)
        {
            OfferReceivedLocked(transaction, request, timer);
            return;
        }

        transaction.Respond(timer.ApplyTo(dialog.CreateResponse(request, 200)));
        SessionRefreshedLocked(Negotiated(timer));
    }

    private void OfferReceivedLocked(SipServerTransaction transaction, SipRequest request, SessionTimerAnswer timer)
    {
        var dialog = _dialog!;
        byte[] body;
        if (request.Body.IsEmpty)
        {
            // A re-INVITE without SDP asks for our offer; the ACK brings the answer.
            body = SdpWriter.Write(_media.CreateOffer());
            _awaitingAnswerInAck = true;
        }
        else if (!SdpParser.TryParse(request.Body.Span, out var offer, out var error))
        {
            transaction.Respond(dialog.CreateResponse(request, 400, $"Bad SDP: {error.Detail}"));
            return;
        }
        else if (!_media.TryCreateAnswer(offer, out var answer, out var refusal))
        {
            var status = refusal.Code == SdpNegotiationErrorCode.OfferInProgress ? 491 : 488;
            transaction.Respond(dialog.CreateResponse(request, status));
            return;
        }
        else
        {
            body = SdpWriter.Write(answer);
        }

        var response = timer.ApplyTo(dialog.CreateResponse(request, 200)).WithBody(body, "application/sdp");
        transaction.Respond(response);
        if (request.Method == SipMethod.Invite)
        {
            _final = response;
            _finalConnection = transaction.Connection;
            StartRetransmittingLocked();
        }

        SessionRefreshedLocked(Negotiated(timer));
        NoteRemoteHoldLocked();
    }

    /// <summary>
    /// Sends a re-INVITE with our current SDP (same direction, same version when nothing changed), as a
    /// session refresh or to learn that the far end is still there. False when the call is not connected or
    /// another offer is under way.
    /// </summary>
    public bool Refresh()
    {
        lock (_gate)
        {
            if (State != SipCallState.Connected || _dialog is not { } dialog || !dialog.Invites.CanSendInvite || _media.HasPendingOffer)
            {
                return false;
            }

            _reInviteRefreshes = true;
            SendReInviteLocked(dialog, _media.CreateOffer());
            return true;
        }
    }

    private bool ChangeHold(bool hold)
    {
        lock (_gate)
        {
            if (State != SipCallState.Connected || _dialog is not { } dialog || !dialog.Invites.CanSendInvite || _media.HasPendingOffer)
            {
                _wantHold = hold;
                return State == SipCallState.Connected;
            }

            _wantHold = null;
            _pendingHold = hold;
            SendReInviteLocked(dialog, hold ? _media.CreateHoldOffer() : _media.CreateResumeOffer());
            return true;
        }
    }

    private void SendReInviteLocked(SipDialog dialog, SdpSession offer)
    {
        var request = dialog.CreateRequest(SipMethod.Invite)
            .AddHeader(SipHeaderNames.Allow, SipUserAgent.Allow)
            .WithBody(SdpWriter.Write(offer), "application/sdp");
        SendInDialogLocked(WithRunningSessionTimerLocked(request));
    }

    /// <summary>
    /// Sends a request of this dialog to the far end's target. Over TCP an inbound call's requests go on the
    /// connection its INVITE came on: the caller's Contact port need not accept connections.
    /// </summary>
    /// <summary>
    /// Where a request in the dialog goes: over the TCP connection the far end called us on while it is open
    /// (a peer that reached us over TCP may not say so in its Contact), else to its remote target.
    /// </summary>
    private SipEndPoint DestinationOf(SipRequest request) =>
        DialogConnection is { IsOpen: true } connection ? connection.Remote
        : SipTarget.TryResolve(request, out var resolved) ? resolved
        : Remote;

    private void SendInDialogLocked(SipRequest request)
    {
        _agent.Transactions.SendRequest(request, DestinationOf(request), this, DialogConnection);
    }

    private void ReInviteResponseLocked(SipClientTransaction transaction, SipResponse response)
    {
        if (response.IsProvisional || _dialog is not { } dialog)
        {
            return;
        }

        var outcome = dialog.ReceiveResponse(response);
        var refresh = _reInviteRefreshes;
        _reInviteRefreshes = false;
        if (response.IsSuccess)
        {
            var ack = dialog.CreateAck(transaction.Request);
            _agent.SendDetached(_agent.Transactions.SendAckAsync(ack, DestinationOf(ack), DialogConnection));
            SessionRefreshedLocked(SessionTimerNegotiation.FromResponse(response));
            if (SdpParser.TryParse(response.Body.Span, out var answer, out _) && _media.TryApplyAnswer(answer, out _))
            {
                NoteRemoteHoldLocked();
                if (!refresh)
                {
                    _agent.Raise(new SipCallEvent.LocalHoldChanged(this, _media.WeHoldRemote));
                }
            }
            else
            {
                // The answer is unusable: the dialog goes on with the media as before, but the change failed.
                _media.CancelOffer();
                _agent.Raise(new SipCallEvent.ReInviteFailed(this, 488));
            }

            ApplyWantedHoldLocked();
            return;
        }

        _media.CancelOffer();
        switch (outcome)
        {
            case ResponseOutcome.RetryReInviteAfter when refresh:
                // A refresh that met glare needs no retry: the crossing re-INVITE's 2xx refreshes the session.
                return;
            case ResponseOutcome.RetryReInviteAfter retry:
                // Glare (RFC 3261 14.1): the same change is tried again after the delay, unless another was asked for meanwhile.
                _wantHold ??= _pendingHold;
                _retryTimer = _agent.Wheel.Schedule(retry.Delay, static state => ((SipCall)state!).RetryHold(), this);
                return;
            case ResponseOutcome.DialogTerminated:
                _agent.Raise(new SipCallEvent.ReInviteFailed(this, response.StatusCode));
                EndLocked(response.StatusCode, SipInitiator.Remote);
                return;
            default:
                _agent.Raise(new SipCallEvent.ReInviteFailed(this, response.StatusCode));
                ApplyWantedHoldLocked();
                return;
        }
    }

    private void RetryHold()
    {
        lock (_gate)
        {
            ApplyWantedHoldLocked();
        }
    }

    /// <summary>Sends a hold or resume asked for while another offer was in progress.</summary>
    private void ApplyWantedHoldLocked()
    {
        if (_wantHold is { } hold && State == SipCallState.Connected && _dialog is { } dialog && dialog.Invites.CanSendInvite && !_media.HasPendingOffer)
        {
            _wantHold = null;
            _pendingHold = hold;
            SendReInviteLocked(dialog, hold ? _media.CreateHoldOffer() : _media.CreateResumeOffer());
        }
    }

    private void NoteRemoteHoldLocked()
    {
        var holds = _media.Current?.RemoteHoldsUs ?? false;
        if (holds != _remoteHolds)
        {
            _remoteHolds = holds;
            if (State == SipCallState.Connected)
            {
                _agent.Raise(new SipCallEvent.RemoteHoldChanged(this, holds));
            }
        }
    }

    /// <param name="statusCode">What <see cref="SipCallEvent.Terminated"/> reports once the BYE is answered: 200, or why we ended it.</param>
    private void SendByeLocked(int statusCode = 200)
    {
        if (_dialog is not { State: not DialogState.Terminated } dialog)
        {
            EndLocked(statusCode, SipInitiator.Local);
            return;
        }

        _timer?.Cancel();
        _retransmission?.AckReceived();
        StopSessionTimerLocked();
        _byeStatus = statusCode;
        var bye = dialog.CreateRequest(SipMethod.Bye);
        State = SipCallState.Terminated;
        SendInDialogLocked(bye);
    }

    private void EndLocked(int statusCode, SipInitiator initiator)
    {
        var wasEnded = _ended;
        State = SipCallState.Terminated;
        _timer?.Cancel();
        _retryTimer?.Cancel();
        _ringTimer?.Cancel();
        StopSessionTimerLocked();
        _retransmission?.AckReceived();
        if (!wasEnded)
        {
            _ended = true;
            _agent.Forget(this);
            _agent.Raise(new SipCallEvent.Terminated(this, statusCode, initiator));
        }
    }
}
