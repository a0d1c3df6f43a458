using CallControl.Media.Sdp;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.UserAgent;

/// <summary>Where a call stands.</summary>
public enum SipCallState
{
    /// <summary>We sent the INVITE; no answer yet.</summary>
    Calling,

    /// <summary>An INVITE arrived and rings here, or the far end rings for ours.</summary>
    Ringing,

    Connected,

    Terminated,
}

/// <summary>
/// One call: an INVITE dialog with its offer/answer state. Operations may be called from any thread; the
/// call serialises them (and everything that arrives for it) behind its own lock, and reports what happens
/// through the user agent's events.
/// </summary>
public sealed partial class SipCall
{
    private readonly object _gate = new();
    private readonly SipUserAgent _agent;
    private readonly SdpNegotiator _media;
    private SipDialog? _dialog;
    private SipRequest? _invite;
    private SipClientTransaction? _inviteTransaction;
    private SipServerTransaction? _inviteServer;
    private SipResponse? _final;
    private SipConnection? _finalConnection;
    private byte[] _pendingBody = [];
    private bool _awaitingAnswerInAck;
    private SipRequest? _lastAck;
    private SipEndPoint _ackDestination;
    private TwoHundredRetransmission? _retransmission;
    private ScheduledTimer? _timer;
    private ScheduledTimer? _retryTimer;
    private ScheduledTimer? _ringTimer;
    private bool _cancelWhenRinging;
    private bool? _wantHold;
    private bool _pendingHold;
    private bool _remoteHolds;
    private bool _ended;
    private bool _rang;
    private int _byeStatus = 200;

    private SipCall(SipUserAgent agent, SipCallDirection direction, SdpNegotiator media, SipEndPoint remote)
    {
        _agent = agent;
        Direction = direction;
        _media = media;
        Remote = remote;
    }

    public SipCallDirection Direction { get; }

    public SipCallState State { get; private set; }

    /// <summary>Where the far end's signalling goes (its Contact once known).</summary>
    public SipEndPoint Remote { get; private set; }

    /// <summary>The dialog's Call-ID.</summary>
    public string CallId => (_dialog?.Id.CallId ?? _invite?.CallId)!;

    /// <summary>
    /// The dialog as this side names it, once there is one: what a Replaces header (RFC 3891) for this call
    /// is built from (<see cref="ReplacesHeader.For"/>).
    /// </summary>
    public DialogId? DialogId
    {
        get
        {
            lock (_gate)
            {
                return _dialog?.Id;
            }
        }
    }

    /// <summary>For an inbound call with a Replaces header, the call it takes the place of once answered.</summary>
    public SipCall? Replaces { get; private set; }

    /// <summary>The INVITE that started the call (ours or theirs).</summary>
    public SipRequest? Invite => _invite;

    /// <summary>Our side of the call's media: the address and RTP port our SDP names.</summary>
    public SdpLocalMedia LocalMedia => _media.Local;

    /// <summary>What offer/answer settled: codec, directions, the far end's RTP address.</summary>
    public SdpNegotiatedMedia? Media
    {
        get
        {
            lock (_gate)
            {
                return _media.Current;
            }
        }
    }

    /// <summary>Whether we hold the far end (our last accepted offer was sendonly or inactive).</summary>
    public bool HeldByUs
    {
        get
        {
            lock (_gate)
            {
                return _media.WeHoldRemote;
            }
        }
    }

    /// <summary>Whether an offer of ours (hold, resume, refresh) is waiting for its answer.</summary>
    public bool IsOfferPending
    {
        get
        {
            lock (_gate)
            {
                return _media.HasPendingOffer;
            }
        }
    }

    /// <summary>Whether the far end holds us.</summary>
    public bool HeldByRemote
    {
        get
        {
            lock (_gate)
            {
                return _remoteHolds;
            }
        }
    }

    public override string ToString() => $"{Direction} call {CallId} {State}";

    internal SipDialog? Dialog => _dialog;

    /// <summary>Over TCP, the connection an inbound call's INVITE came on, which its in-dialog requests reuse.</summary>
    private SipConnection? DialogConnection => Direction == SipCallDirection.Inbound ? _finalConnection ?? _inviteServer?.Connection : null;
}

/// <summary>Who placed the call.</summary>
public enum SipCallDirection
{
    Inbound,
    Outbound,
}
