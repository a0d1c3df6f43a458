using System.Globalization;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

public sealed partial class SipDialog
{
    /// <summary>
    /// Builds our next request in the dialog (RFC 3261 12.2.1.1): To, From and Call-ID of the dialog, the
    /// next local CSeq, Request-URI and Route from the route set (loose or strict), Max-Forwards, and our
    /// Contact on target refresh and subscription methods. The transaction layer adds the Via. Building
    /// an INVITE records it as in progress; building a BYE ends the dialog.
    /// </summary>
    /// <exception cref="ArgumentException">ACK or CANCEL: see <see cref="CreateAck"/>; CANCEL copies the request it cancels.</exception>
    /// <exception cref="InvalidOperationException">The dialog has ended, or an INVITE is already in progress.</exception>
    public SipRequest CreateRequest(SipMethod method)
    {
        if (method == SipMethod.Ack || method == SipMethod.Cancel)
        {
            throw new ArgumentException($"{method} is not built as a new request in the dialog.", nameof(method));
        }

        if (State == DialogState.Terminated)
        {
            throw new InvalidOperationException($"Dialog {Id} has ended.");
        }

        var sequence = LocalSequence is { } last ? last + 1 : NewInitialSequence(_random);
        if (method == SipMethod.Invite)
        {
            Invites.InviteSent(sequence);
        }

        LocalSequence = sequence;
        var request = BaseRequest(method, new CSeq(sequence, method));
        if (IsTargetRefresh(method) || method == SipMethod.Subscribe || method == SipMethod.Notify || method == SipMethod.Refer)
        {
            request = request.WithContacts(LocalContact);
        }

        if (method == SipMethod.Bye)
        {
            State = DialogState.Terminated;
        }

        return request;
    }

    /// <summary>
    /// The ACK for a 2xx to one of our INVITEs (RFC 3261 13.2.2.4): the INVITE's CSeq number with method
    /// ACK, routed like any request in the dialog, with the INVITE's credentials. It is its own
    /// transaction-less message: the sender gives it a new branch. An answer to an offer in the 2xx goes
    /// in its body.
    /// </summary>
    /// <exception cref="ArgumentException">The request is not an INVITE with a CSeq.</exception>
    public SipRequest CreateAck(SipRequest invite)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (invite is not { Method.Name: "INVITE", CSeq: { } cseq })
        {
            throw new ArgumentException("An ACK acknowledges an INVITE.", nameof(invite));
        }

        var ack = BaseRequest(SipMethod.Ack, new CSeq(cseq.Number, SipMethod.Ack));
        foreach (var header in invite.Headers)
        {
            if (header.Name is SipHeaderNames.Authorization or SipHeaderNames.ProxyAuthorization)
            {
                ack = ack.WithHeaders(ack.Headers.Add(header));
            }
        }

        return ack;
    }

    /// <summary>
    /// Checks a request the peer sent in this dialog (RFC 3261 12.2.2, 14.2): another dialog's or one
    /// after the dialog ended gets 481; a CSeq not above the last one gets 500; an INVITE while the
    /// peer's previous INVITE is unanswered gets 500 with Retry-After, and while ours is in progress 491.
    /// A BYE ends the dialog. ACK and CANCEL carry the CSeq of the request they belong to and skip the
    /// order check.
    /// </summary>
    public RequestVerdict ReceiveRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method == SipMethod.Ack)
        {
            return State != DialogState.Terminated && DialogId.OfReceivedRequest(request) == Id
                ? new RequestVerdict.Accepted(this)
                : RequestVerdict.Ignored.Instance;
        }

        if (DialogId.OfReceivedRequest(request) != Id || State == DialogState.Terminated)
        {
            return Reject(request, 481);
        }

        if (request.CSeq is not { } cseq)
        {
            return Reject(request, 400, "Missing CSeq");
        }

        if (request.Method == SipMethod.Cancel)
        {
            return new RequestVerdict.Accepted(this);
        }

        if (RemoteSequence is { } last && cseq.Number <= last)
        {
            return Reject(request, 500, "CSeq Out Of Order");
        }

        RemoteSequence = cseq.Number;
        NotePeerCapabilities(request);
        if (request.Method == SipMethod.Invite)
        {
            switch (Invites.Check(cseq.Number))
            {
                case ReInviteConflict.PreviousInviteUnanswered:
                    var retryAfter = _random.Next(0, ReInviteGuard.MaxRetryAfterSeconds + 1);
                    return new RequestVerdict.Rejected(SipResponse.Create(request, 500, null, Id.LocalTag)
                        .WithHeader(SipHeaderNames.RetryAfter, retryAfter.ToString(CultureInfo.InvariantCulture)));
                case ReInviteConflict.RequestPending:
                    return Reject(request, 491);
                default:
                    Invites.InviteReceived(cseq.Number);
                    break;
            }
        }
        else if (request.Method == SipMethod.Bye)
        {
            State = DialogState.Terminated;
        }
        else if (request.Method == SipMethod.Refer)
        {
            RefersReceived++;
        }

        return new RequestVerdict.Accepted(this);
    }

    /// <summary>
    /// Our response to a request of this dialog, with our tag in To, and records what sending it means:
    /// 1xx and 2xx to INVITE and UPDATE carry our Contact (and, for the dialog's own INVITE, its
    /// Record-Route); a final response ends the INVITE transaction for <see cref="Invites"/>; a 2xx to a
    /// target refresh takes the peer's new Contact as remote target; a 2xx to the dialog's INVITE confirms
    /// the dialog and a failure ends it. The caller must send what it gets.
    /// </summary>
    /// <exception cref="ArgumentException">The request has no CSeq.</exception>
    public SipResponse CreateResponse(SipRequest request, int statusCode, string? reasonPhrase = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cseq = request.CSeq ?? throw new ArgumentException("The request has no CSeq.", nameof(request));
        var response = SipResponse.Create(request, statusCode, reasonPhrase, Id.LocalTag);
        var initial = Role == DialogRole.Uas && IsInitialInvite(cseq);
        var establishing = statusCode is > 100 and < 300;
        if (initial && establishing)
        {
            foreach (var header in request.Headers.All(SipHeaderNames.RecordRoute))
            {
                response = response.WithHeaders(response.Headers.Add(header));
            }
        }

        if (establishing && IsTargetRefresh(request.Method))
        {
            response = response.WithContacts(LocalContact);
        }

        if (request.Method == SipMethod.Invite && statusCode >= 200)
        {
            Invites.FinalResponseSent(cseq.Number);
        }

        if (statusCode is >= 200 and < 300 && IsTargetRefresh(request.Method) && !initial)
        {
            RefreshRemoteTarget(request);
        }

        if (initial && State == DialogState.Early && statusCode >= 200)
        {
            State = statusCode < 300 ? DialogState.Confirmed : DialogState.Terminated;
        }

        return response;
    }

    private SipRequest BaseRequest(SipMethod method, CSeq cseq)
    {
        var request = SipRequest.Create(method, RemoteTarget)
            .WithMaxForwards(DefaultMaxForwards)
            .WithTo(RemoteUri)
            .WithFrom(LocalUri)
            .WithCallId(Id.CallId)
            .WithCSeq(cseq);
        return RouteSet.Apply(request, RemoteTarget);
    }

    private RequestVerdict.Rejected Reject(SipRequest request, int statusCode, string? reasonPhrase = null) =>
        new(SipResponse.Create(request, statusCode, reasonPhrase, Id.LocalTag));
}
