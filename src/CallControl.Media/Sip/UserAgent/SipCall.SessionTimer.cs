using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Timing;

namespace CallControl.Media.Sip.UserAgent;

/// <summary>
/// Session timers (RFC 4028): negotiated on the INVITE and on every re-INVITE or UPDATE, kept on the wheel.
/// As refresher we refresh at half the interval, with UPDATE when the peer allows it (no offer needed), else
/// with a re-INVITE offering our current SDP; otherwise we end the call with BYE when no refresh came in time.
/// </summary>
public sealed partial class SipCall
{
    private SessionTimer? _sessionTimer;
    private ScheduledTimer? _sessionTimerEntry;
    private SessionTimerAnswer _sessionAnswer = SessionTimerAnswer.NoTimer.Instance;
    private int? _minSE;
    private bool _reInviteRefreshes;

    /// <summary>Adds Supported: timer, Session-Expires and Min-SE to the INVITE of a call we place.</summary>
    private static SipRequest WithSessionTimer(SipRequest invite, SessionTimerOptions? options) =>
        options is null
            ? invite
            : SessionTimerNegotiation.AddToRequest(invite, new SessionExpires(options.IntervalSeconds), options.MinSESeconds);

    /// <summary>What we answer to the session timer headers of a received INVITE or UPDATE.</summary>
    private SessionTimerAnswer AnswerSessionTimer(SipRequest request) =>
        _agent.Options.SessionTimer is { } options ? SessionTimerNegotiation.Answer(request, options) : SessionTimerAnswer.NoTimer.Instance;

    /// <summary>
    /// A 422 to our INVITE (RFC 4028 7.3): the INVITE goes again, same dialog identifiers and offer, with the
    /// larger Min-SE and an interval at least that. False when the 422 asks for nothing we did not already offer.
    /// </summary>
    private bool RetryInviteAfterTooSmallLocked(SipResponse response)
    {
        if (_invite is not { CSeq: { } cseq } invite || SessionExpires.From(invite) is not { } previous)
        {
            return false;
        }

        var (sessionExpires, minSE) = SessionTimerNegotiation.RetryAfterTooSmall(response, previous, _minSE);
        if (minSE <= (_minSE ?? 0) && sessionExpires.Seconds <= previous.Seconds)
        {
            return false;
        }

        _minSE = minSE;
        _dialog = null;
        _invite = SessionTimerNegotiation.AddToRequest(invite.WithCSeq(new CSeq(cseq.Number + 1, SipMethod.Invite)), sessionExpires, minSE);
        _inviteTransaction = _agent.Transactions.SendRequest(_invite, Remote, this);
        return true;
    }

    /// <summary>A re-INVITE or UPDATE we send carries the running interval, keeping whoever refreshes now.</summary>
    private SipRequest WithRunningSessionTimerLocked(SipRequest request)
    {
        if (_sessionTimer is not { Current: var current })
        {
            return request;
        }

        var refresher = current.LocalRefreshes ? SessionRefresher.Uac : SessionRefresher.Uas;
        return SessionTimerNegotiation.AddToRequest(request, new SessionExpires(current.IntervalSeconds, refresher), _minSE);
    }

    /// <summary>
    /// A session refresh succeeded, in either direction: the timer restarts with what it negotiated, or
    /// stops when the refresh carried no Session-Expires.
    /// </summary>
    private void SessionRefreshedLocked(NegotiatedSessionTimer? negotiated)
    {
        if (negotiated is not { } timer || State != SipCallState.Connected)
        {
            StopSessionTimerLocked();
            return;
        }

        if (_sessionTimer is null)
        {
            _sessionTimer = new SessionTimer(timer, _agent.Now);
        }
        else
        {
            _sessionTimer.Restart(timer, _agent.Now);
        }

        ScheduleSessionTimerLocked();
    }

    private static NegotiatedSessionTimer? Negotiated(SessionTimerAnswer answer) =>
        answer is SessionTimerAnswer.Accepted accepted ? accepted.Timer : null;

    private void ScheduleSessionTimerLocked()
    {
        _sessionTimerEntry?.Cancel();
        if (_sessionTimer is null)
        {
            return;
        }

        var delay = _sessionTimer.NextDueAt - _agent.Now;
        _sessionTimerEntry = _agent.Wheel.Schedule(
            delay < TimeSpan.Zero ? TimeSpan.Zero : delay, static state => ((SipCall)state!).SessionTimerDue(), this);
    }

    private void SessionTimerDue()
    {
        lock (_gate)
        {
            if (_sessionTimer is null || State != SipCallState.Connected || _dialog is not { } dialog)
            {
                return;
            }

            switch (_sessionTimer.Poll(_agent.Now))
            {
                case SessionTimerDecision.Expired:
                    // No refresh in time (RFC 4028 10): the peer is gone or broken; reported as 408, ended by us.
                    SendByeLocked(408);
                    return;
                case SessionTimerDecision.Refresh:
                    SendSessionRefreshLocked(dialog);
                    break;
            }

            ScheduleSessionTimerLocked();
        }
    }

    private void SendSessionRefreshLocked(SipDialog dialog)
    {
        if (SessionTimer.RefreshMethod(dialog.PeerAllows) == SipMethod.Update)
        {
            SendInDialogLocked(WithRunningSessionTimerLocked(dialog.CreateRequest(SipMethod.Update)));
        }
        else if (dialog.Invites.CanSendInvite && !_media.HasPendingOffer)
        {
            _reInviteRefreshes = true;
            SendReInviteLocked(dialog, _media.CreateOffer());
        }

        // Otherwise a re-INVITE of ours or theirs is under way: its 2xx refreshes the session.
    }

    private void UpdateResponseLocked(SipResponse response)
    {
        if (response.IsProvisional || _dialog is not { } dialog)
        {
            return;
        }

        if (dialog.ReceiveResponse(response) is ResponseOutcome.DialogTerminated)
        {
            EndLocked(response.StatusCode, SipInitiator.Remote);
        }
        else if (response.IsSuccess)
        {
            SessionRefreshedLocked(SessionTimerNegotiation.FromResponse(response));
        }
        else if (response.StatusCode == 422 && _sessionTimer is { } running && SessionExpires.MinSEFrom(response) > running.Current.IntervalSeconds)
        {
            var previous = new SessionExpires(running.Current.IntervalSeconds, SessionRefresher.Uac);
            var (sessionExpires, minSE) = SessionTimerNegotiation.RetryAfterTooSmall(response, previous, _minSE);
            _minSE = minSE;
            SendInDialogLocked(SessionTimerNegotiation.AddToRequest(dialog.CreateRequest(SipMethod.Update), sessionExpires, minSE));
        }
    }

    private void StopSessionTimerLocked()
    {
        _sessionTimerEntry?.Cancel();
        _sessionTimer = null;
    }
}
