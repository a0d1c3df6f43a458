using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// One INVITE dialog (RFC 3261 sections 12 to 15) as pure state: messages go in, messages and decisions
/// come out, and nothing is sent. Vias, branches, retransmissions and timers belong to the transaction
/// layer. An instance is not thread-safe: feed it one message at a time.
/// </summary>
public sealed partial class SipDialog
{
    /// <summary>The Max-Forwards every request we build starts with (RFC 3261 8.1.1.6).</summary>
    public const int DefaultMaxForwards = 70;

    private readonly Random _random;
    private readonly uint _initialInviteSequence;

    private SipDialog(
        DialogId id, DialogRole role, NameAddress localUri, NameAddress remoteUri, MessageUri remoteTarget,
        RouteSet routeSet, NameAddress localContact, uint initialInviteSequence, Random? random)
    {
        Id = id;
        Role = role;
        LocalUri = localUri;
        RemoteUri = remoteUri;
        RemoteTarget = remoteTarget;
        RouteSet = routeSet;
        LocalContact = localContact;
        _initialInviteSequence = initialInviteSequence;
        _random = random ?? Random.Shared;
    }

    public DialogId Id { get; }

    public DialogRole Role { get; }

    public DialogState State { get; private set; } = DialogState.Early;

    /// <summary>Our address with our tag, as it goes in From of our requests.</summary>
    public NameAddress LocalUri { get; }

    /// <summary>The peer's address with its tag, as it goes in To of our requests.</summary>
    public NameAddress RemoteUri { get; }

    /// <summary>Where our requests go: the peer's latest Contact.</summary>
    public MessageUri RemoteTarget { get; private set; }

    public RouteSet RouteSet { get; private set; }

    /// <summary>The Contact we put in target refresh requests and dialog-creating responses.</summary>
    public NameAddress LocalContact { get; }

    /// <summary>The CSeq number of our latest request; null until we send one as the UAS.</summary>
    public uint? LocalSequence { get; private set; }

    /// <summary>The CSeq number of the peer's latest request; null until it sends one as the UAS.</summary>
    public uint? RemoteSequence { get; private set; }

    /// <summary>True when the dialog-creating INVITE was sent to a sips: URI.</summary>
    public bool IsSecure { get; private init; }

    /// <summary>True when we chose the Call-ID, which decides the 491 retry delay.</summary>
    public bool OwnsCallId => Role == DialogRole.Uac;

    /// <summary>The methods the peer listed in Allow on its latest message that had one.</summary>
    public IReadOnlyList<string> PeerAllows { get; private set; } = [];

    /// <summary>The option tags the peer listed in Supported on its latest message that had one.</summary>
    public IReadOnlyList<string> PeerSupports { get; private set; } = [];

    /// <summary>The INVITE transactions in progress in each direction.</summary>
    public ReInviteGuard Invites { get; } = new();

    /// <summary>How many REFERs the peer sent in this dialog; the NOTIFYs of all but the first need an id.</summary>
    internal int RefersReceived { get; private set; }

    /// <summary>
    /// A CSeq number to start a request sequence with: random and below 2^31 (RFC 3261 8.1.1.5), so that
    /// later requests have room to count up.
    /// </summary>
    public static uint NewInitialSequence(Random? random = null) => (uint)(random ?? Random.Shared).Next(1, int.MaxValue);

    /// <summary>
    /// The dialog our INVITE created, from the first response with a To tag: early for 101-199,
    /// confirmed for 2xx (RFC 3261 12.1.2). The route set is the response's Record-Route reversed.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The response cannot create a dialog: not 101-299, no To tag, or the INVITE lacks Call-ID, From tag or CSeq.
    /// </exception>
    public static SipDialog CreateAsUac(SipRequest invite, SipResponse response, NameAddress localContact, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(localContact);
        if (response.StatusCode is <= 100 or >= 300 || DialogId.OfReceivedResponse(response) is not { } id
            || invite is not { Method.Name: "INVITE", CSeq: { } cseq, From: { } from, To: { } to }
            || invite.CallId != id.CallId || from.Tag != id.LocalTag)
        {
            throw new ArgumentException("Only a 101-299 response with a To tag to our INVITE creates a dialog.", nameof(response));
        }

        var dialog = new SipDialog(
            id, DialogRole.Uac, from, to.WithTag(id.RemoteTag), FirstContact(response) ?? invite.RequestUri,
            RouteSet.FromRecordRoute(response, DialogRole.Uac), localContact, cseq.Number, random)
        {
            IsSecure = invite.RequestUri is SipUri { IsSecure: true },
            LocalSequence = cseq.Number,
        };
        dialog.NotePeerCapabilities(response);
        if (response.IsSuccess)
        {
            dialog.State = DialogState.Confirmed;
        }
        else
        {
            dialog.Invites.InviteSent(cseq.Number);
        }

        return dialog;
    }

    /// <summary>
    /// The dialog a received INVITE creates once we answer it with <paramref name="localTag"/> in To
    /// (RFC 3261 12.1.1). It is early until <see cref="CreateResponse"/> builds our 2xx, and its
    /// 1xx and 2xx carry our tag, Contact and the INVITE's Record-Route. The local sequence stays empty
    /// until our first request.
    /// </summary>
    /// <exception cref="ArgumentException">The request is not an INVITE with Call-ID, From tag and CSeq, or already has a To tag.</exception>
    public static SipDialog CreateAsUas(SipRequest invite, string localTag, NameAddress localContact, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentException.ThrowIfNullOrEmpty(localTag);
        ArgumentNullException.ThrowIfNull(localContact);
        if (invite is not { Method.Name: "INVITE", CallId: { } callId, CSeq: { } cseq, From: { Tag: { } remoteTag } from, To: { Tag: null } to })
        {
            throw new ArgumentException("Only an INVITE with Call-ID, CSeq, a From tag and no To tag creates a dialog.", nameof(invite));
        }

        var dialog = new SipDialog(
            new DialogId(callId, localTag, remoteTag), DialogRole.Uas, to.WithTag(localTag), from,
            FirstContact(invite) ?? invite.From.Uri, RouteSet.FromRecordRoute(invite, DialogRole.Uas), localContact,
            cseq.Number, random)
        {
            IsSecure = invite.RequestUri is SipUri { IsSecure: true },
            RemoteSequence = cseq.Number,
        };
        dialog.NotePeerCapabilities(invite);
        dialog.Invites.InviteReceived(cseq.Number);
        return dialog;
    }

    private static MessageUri? FirstContact(SipMessage message) => message.Contacts is [var first, ..] ? first.Uri : null;

    private static bool IsTargetRefresh(SipMethod method) => method == SipMethod.Invite || method == SipMethod.Update;

    private bool IsInitialInvite(CSeq cseq) => cseq.Method == SipMethod.Invite && cseq.Number == _initialInviteSequence;

    private void NotePeerCapabilities(SipMessage message)
    {
        if (message.Headers.Contains(SipHeaderNames.Allow))
        {
            PeerAllows = message.GetTokens(SipHeaderNames.Allow);
        }

        if (message.Headers.Contains(SipHeaderNames.Supported))
        {
            PeerSupports = message.GetTokens(SipHeaderNames.Supported);
        }
    }

    private void RefreshRemoteTarget(SipMessage message)
    {
        if (FirstContact(message) is { } target)
        {
            RemoteTarget = target;
        }
    }
}
