using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// Identifies a dialog at this user agent (RFC 3261 section 12): the Call-ID, our tag and the peer's tag.
/// The same dialog has the two tags swapped at the peer.
/// </summary>
public readonly record struct DialogId(string CallId, string LocalTag, string RemoteTag)
{
    /// <summary>
    /// The id a request we received names: our tag is in To, the peer's in From. Null when the request
    /// has no To tag (it is not sent within a dialog) or lacks Call-ID or a From tag.
    /// </summary>
    public static DialogId? OfReceivedRequest(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request is { CallId: { } callId, To.Tag: { } local, From.Tag: { } remote }
            ? new DialogId(callId, local, remote)
            : null;
    }

    /// <summary>
    /// The id a response to one of our requests names: our tag is in From, the peer's in To. Null when
    /// the response has no To tag.
    /// </summary>
    public static DialogId? OfReceivedResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response is { CallId: { } callId, From.Tag: { } local, To.Tag: { } remote }
            ? new DialogId(callId, local, remote)
            : null;
    }

    public override string ToString() => $"{CallId};local={LocalTag};remote={RemoteTag}";
}
