using System.Globalization;
using System.Text;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;

namespace CallControl.Media.Sip.UserAgent;

/// <summary>
/// Transfer (REFER, RFC 3515, with RFC 4488's <c>Refer-Sub: false</c>) in both directions, and INFO. A REFER
/// we receive is accepted at once; its implicit subscription reports the progress the media layer gives, one
/// NOTIFY at a time (RFC 6665 4.2.2: the next waits for the previous one's answer).
/// </summary>
public sealed partial class SipCall
{
    private ReferSubscription? _referSubscription;
    private bool _notifyInFlight;
    private int? _notifyQueued;

    /// <summary>
    /// Asks the far end to call <paramref name="target"/> (a <c>sip:</c> URI or a telephone number through the
    /// trunk) and hang up on us when that works: a blind transfer. Answers come as
    /// <see cref="SipCallEvent.ReferAccepted"/> or <see cref="SipCallEvent.ReferFailed"/>, then
    /// <see cref="SipCallEvent.ReferProgress"/>. False when the call is not connected.
    /// </summary>
    /// <exception cref="ArgumentException">The target is neither a SIP URI nor a telephone number with a trunk configured.</exception>
    public bool Refer(string target) => Refer(target, replaces: null);

    /// <summary>
    /// Asks the far end to call the party of <paramref name="other"/> in its place (an attended transfer): the
    /// Refer-To names that party with a Replaces header for our dialog with it (RFC 3891 section 4).
    /// </summary>
    public bool Refer(SipCall other)
    {
        ArgumentNullException.ThrowIfNull(other);
        string target;
        ReplacesHeader replaces;
        lock (other._gate)
        {
            if (other.State != SipCallState.Connected || other._dialog is not { } dialog)
            {
                return false;
            }

            // The party's Contact rather than its address of record: the INVITE must reach that very device.
            target = dialog.RemoteTarget.ToString();
            replaces = ReplacesHeader.For(dialog.Id);
        }

        return Refer(target, replaces);
    }

    /// <summary>
    /// Reports how the call a received REFER asked for goes: the far end gets a NOTIFY with this status as
    /// message/sipfrag (RFC 3515 2.4.5); a final status (200 and above) ends the subscription. False when there
    /// is no subscription to report on (no REFER, <c>Refer-Sub: false</c>, or a final status already sent).
    /// </summary>
    public bool ReportReferProgress(int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        lock (_gate)
        {
            if (_referSubscription is not { IsTerminated: false } || _notifyQueued >= 200 || State != SipCallState.Connected)
            {
                return false;
            }

            if (_notifyInFlight)
            {
                _notifyQueued = statusCode;
                return true;
            }

            SendNotifyLocked(statusCode);
            return true;
        }
    }

    /// <summary>
    /// Sends INFO with this body in the call (RFC 6086; DTMF relay as <c>application/dtmf-relay</c>, for
    /// instance). False when the call is not connected.
    /// </summary>
    public bool SendInfo(string contentType, byte[] body)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        ArgumentNullException.ThrowIfNull(body);
        lock (_gate)
        {
            if (State != SipCallState.Connected || _dialog is not { } dialog)
            {
                return false;
            }

            SendInDialogLocked(dialog.CreateRequest(SipMethod.Info).WithBody(body, contentType));
            return true;
        }
    }

    private bool Refer(string target, ReplacesHeader? replaces)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!SipTarget.TryParseDestination(target, _agent.Options.Trunk, out var uri, out var error))
        {
            throw new ArgumentException(error, nameof(target));
        }

        lock (_gate)
        {
            if (State != SipCallState.Connected || _dialog is not { } dialog)
            {
                return false;
            }

            var referredBy = new NameAddress { Uri = dialog.LocalUri.Uri };
            SendInDialogLocked(ReferSubscription.CreateRefer(dialog, new ReferTo { Target = uri, Replaces = replaces }, referredBy));
            return true;
        }
    }

    private void ReferReceivedLocked(SipServerTransaction transaction, SipRequest request, SipDialog dialog)
    {
        if (State != SipCallState.Connected)
        {
            transaction.Respond(dialog.CreateResponse(request, 403, "Not In A Connected Call"));
            return;
        }

        if (!ReferTo.TryRead(request, out var referTo))
        {
            transaction.Respond(dialog.CreateResponse(request, 400, "Bad Refer-To"));
            return;
        }

        var (response, subscription) = ReferSubscription.Accept(dialog, request, _agent.Now);
        transaction.Respond(response);
        _referSubscription = subscription;
        _notifyQueued = null;
        if (subscription is not null && !_notifyInFlight)
        {
            SendNotifyLocked(100);
        }

        _agent.Raise(new SipCallEvent.ReferReceived(this, referTo.Target.ToString(), referTo.Replaces));
    }

    private void SendNotifyLocked(int statusCode)
    {
        _notifyInFlight = true;
        SendInDialogLocked(_referSubscription!.CreateNotify(statusCode, _agent.Now));
    }

    /// <summary>The answer to our NOTIFY (null when it got none): the progress reported meanwhile goes next.</summary>
    private void NotifyResponseLocked(SipResponse? response)
    {
        if (response is { IsProvisional: true })
        {
            return;
        }

        _notifyInFlight = false;
        if (response is not null && _dialog?.ReceiveResponse(response) is ResponseOutcome.DialogTerminated)
        {
            EndLocked(response.StatusCode, SipInitiator.Remote);
            return;
        }

        if (_notifyQueued is { } next && _referSubscription is { IsTerminated: false } && State == SipCallState.Connected)
        {
            _notifyQueued = null;
            SendNotifyLocked(next);
        }
    }

    private void ReferResponseLocked(SipResponse response)
    {
        if (response.IsProvisional)
        {
            return;
        }

        if (_dialog?.ReceiveResponse(response) is ResponseOutcome.DialogTerminated)
        {
            _agent.Raise(new SipCallEvent.ReferFailed(this, response.StatusCode));
            EndLocked(response.StatusCode, SipInitiator.Remote);
            return;
        }

        _agent.Raise(response.IsSuccess
            ? new SipCallEvent.ReferAccepted(this)
            : new SipCallEvent.ReferFailed(this, response.StatusCode));
    }

    /// <summary>A NOTIFY of the refer event package (our REFER's progress): 200, and its sipfrag status reported.</summary>
    private void NotifyReceivedLocked(SipServerTransaction transaction, SipRequest request, SipDialog dialog)
    {
        var package = request.Headers.First(SipHeaderNames.Event)?.Value.Split(';')[0].Trim();
        if (!string.Equals(package, ReferSubscription.EventPackage, StringComparison.OrdinalIgnoreCase))
        {
            transaction.Respond(dialog.CreateResponse(request, 489));
            return;
        }

        if (!TryReadSipFragStatus(request.Body.Span, out var statusCode))
        {
            transaction.Respond(dialog.CreateResponse(request, 400, "Bad Sipfrag"));
            return;
        }

        transaction.Respond(dialog.CreateResponse(request, 200));
        _agent.Raise(new SipCallEvent.ReferProgress(this, statusCode));
    }

    /// <summary>The status code of a message/sipfrag body's status line (<c>SIP/2.0 200 OK</c>).</summary>
    private static bool TryReadSipFragStatus(ReadOnlySpan<byte> body, out int statusCode)
    {
        statusCode = 0;
        var text = Encoding.UTF8.GetString(body).TrimStart();
        var parts = text.Split(' ', 3);
        return parts.Length >= 2
            && parts[0].StartsWith("SIP/", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(parts[1].AsSpan().TrimEnd("\r\n"), NumberStyles.None, CultureInfo.InvariantCulture, out statusCode)
            && statusCode is >= 100 and <= 699;
    }
}
