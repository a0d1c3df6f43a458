using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// The dialogs of this user agent by id, routing requests and responses to them and matching Replaces.
/// Ended dialogs stay until <see cref="Remove"/>, so that Replaces can tell "ended" (603) from "unknown"
/// (481); the owner removes them after a while. Not thread-safe.
/// </summary>
public sealed class DialogTable
{
    private readonly Dictionary<DialogId, SipDialog> _dialogs = [];

    public int Count => _dialogs.Count;

    /// <summary>Adds a dialog.</summary>
    /// <exception cref="ArgumentException">A dialog with that id is already here.</exception>
    public void Add(SipDialog dialog)
    {
        ArgumentNullException.ThrowIfNull(dialog);
        _dialogs.Add(dialog.Id, dialog);
    }

    public bool Remove(DialogId id) => _dialogs.Remove(id);

    public SipDialog? Find(DialogId id) => _dialogs.GetValueOrDefault(id);

    /// <summary>
    /// Routes a received request: without a To tag it is out of dialog; with one it goes to its dialog,
    /// and a request for a dialog we do not have gets 481 (RFC 3261 12.2.2), except an ACK, which is dropped.
    /// </summary>
    public RequestVerdict ReceiveRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.To is { Tag: null })
        {
            return RequestVerdict.OutOfDialog.Instance;
        }

        if (DialogId.OfReceivedRequest(request) is { } id && Find(id) is { } dialog)
        {
            return dialog.ReceiveRequest(request);
        }

        return request.Method == SipMethod.Ack
            ? RequestVerdict.Ignored.Instance
            : new RequestVerdict.Rejected(SipResponse.Create(request, 481));
    }

    /// <summary>The dialog a response to our request belongs to, or null (a new fork, or a stray).</summary>
    public SipDialog? FindFor(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return DialogId.OfReceivedResponse(response) is { } id ? Find(id) : null;
    }

    /// <summary>
    /// Matches the Replaces header of a received INVITE (RFC 3891 section 3): more than one, or one on
    /// another method or unreadable, is 400; no such dialog is 481; an ended one 603; an early dialog we
    /// did not initiate 481, since only the caller's side of an early dialog may be replaced; a confirmed
    /// one with <c>early-only</c> 486.
    /// </summary>
    public ReplacesMatch MatchReplaces(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers.All(ReplacesHeader.HeaderName).ToList();
        if (headers.Count == 0)
        {
            return ReplacesMatch.Absent.Instance;
        }

        if (headers.Count > 1 || request.Method != SipMethod.Invite || !ReplacesHeader.TryParse(headers[0].Value, out var replaces))
        {
            return new ReplacesMatch.Refused(400);
        }

        return Match(replaces);
    }

    /// <summary>Matches a parsed Replaces header against the table, as <see cref="MatchReplaces"/> does.</summary>
    public ReplacesMatch Match(ReplacesHeader replaces)
    {
        ArgumentNullException.ThrowIfNull(replaces);
        return Find(replaces.DialogId) switch
        {
            null => new ReplacesMatch.Refused(481),
            { State: DialogState.Terminated } => new ReplacesMatch.Refused(603),
            { State: DialogState.Early, Role: DialogRole.Uas } => new ReplacesMatch.Refused(481),
            { State: DialogState.Confirmed } when replaces.EarlyOnly => new ReplacesMatch.Refused(486),
            var dialog => new ReplacesMatch.Found(dialog),
        };
    }
}
