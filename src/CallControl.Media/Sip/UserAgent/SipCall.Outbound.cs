using CallControl.Media.Sdp;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.UserAgent;

public sealed partial class SipCall : ISipClientTransactionUser
{
    private NameAddress? _contact;

    /// <summary>Sends the INVITE of a call we place, with our offer.</summary>
    /// <param name="replaces">The dialog at the callee this call takes the place of (RFC 3891), or null.</param>
    /// <param name="extraHeaders">Further headers for the INVITE (auto-answer hints), added after our own.</param>
    internal static SipCall Place(
        SipUserAgent agent,
        SipUri target,
        SipEndPoint destination,
        SdpNegotiator media,
        NameAddress from,
        NameAddress contact,
        ReplacesHeader? replaces,
        IReadOnlyList<SipHeader>? extraHeaders = null)
    {
        var call = new SipCall(agent, SipCallDirection.Outbound, media, destination) { _contact = contact, State = SipCallState.Calling };
        var invite = SipRequest.Create(SipMethod.Invite, target)
            .WithFrom(from.WithTag(SipIdentifiers.NewTag()))
            .WithTo(new NameAddress { Uri = target })
            .WithCallId(SipIdentifiers.NewTag() + "@callcontrol")
            .WithCSeq(new CSeq(SipDialog.NewInitialSequence(), SipMethod.Invite))
            .WithContacts(contact)
            .AddHeader(SipHeaderNames.Allow, SipUserAgent.Allow)
            .AddHeader(SipHeaderNames.Supported, agent.Supported)
            .WithBody(SdpWriter.Write(media.CreateOffer()), "application/sdp");
        if (replaces is not null)
        {
            invite = invite.WithHeader(ReplacesHeader.HeaderName, replaces.ToString());
        }

        foreach (var header in extraHeaders ?? [])
        {
            invite = invite.AddHeader(header.Name, header.Value);
        }

        lock (call._gate)
        {
            call._minSE = agent.Options.SessionTimer?.MinSESeconds;
            invite = WithSessionTimer(invite, agent.Options.SessionTimer);
            call._invite = invite;
            call._inviteTransaction = agent.Transactions.SendRequest(invite, destination, call);
            call._ringTimer = agent.Wheel.Schedule(agent.Options.RingTimeout, static state => ((SipCall)state!).RingTimedOut(), call);
        }

        return call;
    }

    /// <summary>Nobody answered within <see cref="SipUserAgentOptions.RingTimeout"/>: the call is cancelled (it ends with 487, ours).</summary>
    private void RingTimedOut()
    {
        lock (_gate)
        {
            if (State is SipCallState.Calling or SipCallState.Ringing)
            {
                Cancel();
            }
        }
    }

    /// <summary>Gives up on a call we placed that is not answered yet (CANCEL once it rings; at once if it already does).</summary>
    public bool Cancel()
    {
        lock (_gate)
        {
            if (Direction != SipCallDirection.Outbound || State is SipCallState.Connected or SipCallState.Terminated)
            {
                return false;
            }

            if (_inviteTransaction is { State: SipTransactionState.Proceeding })
            {
                _agent.Transactions.SendCancel(_inviteTransaction, _agent.Ignore);
            }

            // Before any provisional response a CANCEL may not be sent (RFC 3261 9.1): it goes when one comes.
            _cancelWhenRinging = true;
            return true;
        }
    }

    void ISipClientTransactionUser.OnResponse(SipClientTransaction transaction, SipResponse response)
    {
        lock (_gate)
        {
            if (ReferenceEquals(transaction, _inviteTransaction))
            {
                InviteResponseLocked(transaction, response);
            }
            else if (transaction.Request.Method == SipMethod.Invite)
            {
                ReInviteResponseLocked(transaction, response);
            }
            else if (transaction.Request.Method == SipMethod.Update)
            {
                UpdateResponseLocked(response);
            }
            else if (transaction.Request.Method == SipMethod.Refer)
            {
                ReferResponseLocked(response);
            }
            else if (transaction.Request.Method == SipMethod.Notify)
            {
                NotifyResponseLocked(response);
            }
            else if (transaction.Request.Method == SipMethod.Bye && response.StatusCode >= 200)
            {
                EndLocked(_byeStatus, SipInitiator.Local);
            }
        }
    }

    void ISipClientTransactionUser.OnFailed(SipClientTransaction transaction, SipTransactionFailure failure)
    {
        var status = failure == SipTransactionFailure.Timeout ? 408 : 503;
        lock (_gate)
        {
            if (ReferenceEquals(transaction, _inviteTransaction) && State is SipCallState.Calling or SipCallState.Ringing)
            {
                EndLocked(status, SipInitiator.Local);
            }
            else if (transaction.Request.Method == SipMethod.Invite && State == SipCallState.Connected)
            {
                // A re-INVITE that timed out or could not be sent ends the dialog (RFC 3261 14.1).
                _media.CancelOffer();
                _agent.Raise(new SipCallEvent.ReInviteFailed(this, status));
                SendByeLocked();
            }
            else if (transaction.Request.Method == SipMethod.Bye)
            {
                EndLocked(_byeStatus == 200 ? status : _byeStatus, SipInitiator.Local);
            }
            else if (transaction.Request.Method == SipMethod.Refer)
            {
                _agent.Raise(new SipCallEvent.ReferFailed(this, status));
            }
            else if (transaction.Request.Method == SipMethod.Notify)
            {
                NotifyResponseLocked(null);
            }
        }
    }

    private void InviteResponseLocked(SipClientTransaction transaction, SipResponse response)
    {
        if (response.IsProvisional)
        {
            if (response.To?.Tag is not null && _dialog is null && response.StatusCode > 100)
            {
                _dialog = SipDialog.CreateAsUac(_invite!, response, _contact!);
            }

            if (_cancelWhenRinging)
            {
                _agent.Transactions.SendCancel(transaction, _agent.Ignore);
            }
            else if (response.StatusCode is 180 or 183 && State == SipCallState.Calling)
            {
                State = SipCallState.Ringing;
                _agent.Raise(new SipCallEvent.Ringing(this, response.StatusCode));
            }

            return;
        }

        if (response.IsSuccess)
        {
            if (State == SipCallState.Connected || State == SipCallState.Terminated)
            {
                // A retransmitted 2xx: its ACK got lost; send it again.
                if (_lastAck is not null)
                {
                    _agent.SendDetached(_agent.Transactions.SendAckAsync(_lastAck, _ackDestination));
                }

                return;
            }

            if (_dialog is null || _dialog.Id.RemoteTag != response.To?.Tag)
            {
                _dialog = SipDialog.CreateAsUac(_invite!, response, _contact!);
            }
            else
            {
                _dialog.ReceiveResponse(response);
            }

            var ack = _dialog.CreateAck(_invite!);
            if (!SipTarget.TryResolve(ack, out var destination))
            {
                destination = Remote;
            }

            Remote = destination;
            _lastAck = ack;
            _ackDestination = destination;
            _agent.SendDetached(_agent.Transactions.SendAckAsync(ack, destination));
            if (_cancelWhenRinging)
            {
                // The answer crossed our CANCEL: the call exists, so it is ended with a BYE.
                SendByeLocked();
                return;
            }

            if (!SdpParser.TryParse(response.Body.Span, out var answer, out _) || !_media.TryApplyAnswer(answer, out _))
            {
                SendByeLocked();
                return;
            }

            State = SipCallState.Connected;
            _ringTimer?.Cancel();
            NoteRemoteHoldLocked();
            _agent.Raise(new SipCallEvent.Answered(this));
            SessionRefreshedLocked(SessionTimerNegotiation.FromResponse(response));
            return;
        }

        if (response.StatusCode == 422 && State != SipCallState.Terminated && !_cancelWhenRinging && RetryInviteAfterTooSmallLocked(response))
        {
            return;
        }

        if (State != SipCallState.Terminated)
        {
            EndLocked(response.StatusCode, _cancelWhenRinging && response.StatusCode == 487 ? SipInitiator.Local : SipInitiator.Remote);
        }
    }
}
