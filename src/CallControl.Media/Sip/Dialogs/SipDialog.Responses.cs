using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

public sealed partial class SipDialog
{
    /// <summary>
    /// Takes in a response to one of our requests in this dialog (RFC 3261 12.1.2, 12.2.1.2, 13.2.2.4, 14.1).
    /// To the dialog's INVITE: a 2xx confirms the dialog and recomputes route set and remote target from
    /// it, a failure ends an early dialog. To a target refresh, a 2xx takes the new Contact. A 491 to our
    /// re-INVITE gives the retry delay; 481 or 408 to any request ends the dialog. Sending the ACK for a
    /// 2xx stays with the caller (<see cref="CreateAck"/>).
    /// </summary>
    public ResponseOutcome ReceiveResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (DialogId.OfReceivedResponse(response) != Id || response.CSeq is not { } cseq)
        {
            return ResponseOutcome.NotThisDialog.Instance;
        }

        if (State == DialogState.Terminated)
        {
            return ResponseOutcome.DialogTerminated.Instance;
        }

        var final = response.StatusCode >= 200;
        if (cseq.Method == SipMethod.Invite && final)
        {
            Invites.FinalResponseReceived(cseq.Number);
        }

        NotePeerCapabilities(response);
        if (Role == DialogRole.Uac && IsInitialInvite(cseq))
        {
            return ReceiveInitialInviteResponse(response);
        }

        if (response.StatusCode is 481 or 408)
        {
            State = DialogState.Terminated;
            return ResponseOutcome.DialogTerminated.Instance;
        }

        if (response.StatusCode == 491 && cseq.Method == SipMethod.Invite)
        {
            return new ResponseOutcome.RetryReInviteAfter(ReInviteGuard.RetryDelayAfterRequestPending(OwnsCallId, _random));
        }

        if (response.IsSuccess && IsTargetRefresh(cseq.Method))
        {
            RefreshRemoteTarget(response);
        }

        return ResponseOutcome.Applied.Instance;
    }

    private ResponseOutcome ReceiveInitialInviteResponse(SipResponse response)
    {
        if (response.IsSuccess)
        {
            if (State == DialogState.Early)
            {
                // A 2xx may have taken another path than the early responses, so it alone decides the route set.
                RouteSet = RouteSet.FromRecordRoute(response, DialogRole.Uac);
                State = DialogState.Confirmed;
            }

            RefreshRemoteTarget(response);
            return ResponseOutcome.Applied.Instance;
        }

        if (response.StatusCode >= 300)
        {
            State = DialogState.Terminated;
            return ResponseOutcome.DialogTerminated.Instance;
        }

        return ResponseOutcome.Applied.Instance;
    }
}
