using System.Net;

namespace CallControl.Media.Sdp;

/// <summary>
/// One dialog's RFC 3264 offer/answer state for a single audio stream. It builds our offers (initial,
/// refresh, hold, resume), answers remote offers, applies answers to our offers, and keeps the
/// <c>o=</c> line: the session id never changes, the version goes up by one exactly when the SDP we
/// send differs from the last SDP we sent. Not thread-safe: the dialog that owns it serialises calls.
/// </summary>
public sealed partial class SdpNegotiator
{
    private readonly SdpLocalMedia _local;
    private readonly SdpAddress _localAddress;
    private readonly ulong _sessionId;
    private ulong _version = 1;
    private SdpSession? _lastSent;
    private IReadOnlyList<SdpMedia> _layout = [];
    private int _audioIndex = -1;
    private PendingOffer? _pending;

    /// <summary>Starts a negotiation; <paramref name="sessionId"/> should be unique, such as a random or clock-based number.</summary>
    public SdpNegotiator(SdpLocalMedia local, ulong sessionId)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (local.UserName.Length == 0 || local.UserName.AsSpan().ContainsAny(" \t\r\n") || local.RtpPort is <= 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentException("The o= username must be one token and the RTP port from 1 to 65535.", nameof(local));
        }

        _local = local;
        _localAddress = SdpAddress.FromIP(local.Address);
        _sessionId = sessionId;
    }

    /// <summary>What we offer and where we receive.</summary>
    public SdpLocalMedia Local => _local;

    /// <summary>The negotiated audio stream, or null before the first exchange completes.</summary>
    public SdpNegotiatedMedia? Current { get; private set; }

    /// <summary>True when we have put the far end on hold (a hold offer of ours was answered).</summary>
    public bool WeHoldRemote { get; private set; }

    /// <summary>True while an offer of ours awaits its answer.</summary>
    public bool HasPendingOffer => _pending is not null;

    /// <summary>
    /// An offer that keeps our hold intent: the initial offer, or a refresh. A refresh identical to the
    /// last SDP we sent keeps its version.
    /// </summary>
    public SdpSession CreateOffer() => Offer(WeHoldRemote);

    /// <summary>A re-offer putting the far end on hold: sendonly, or inactive when the far end already holds us.</summary>
    public SdpSession CreateHoldOffer() => Offer(hold: true);

    /// <summary>A re-offer taking the far end off hold: sendrecv.</summary>
    public SdpSession CreateResumeOffer() => Offer(hold: false);

    /// <summary>Forgets our outstanding offer, as when it was refused (488, 491) or timed out; the last exchange stands.</summary>
    public void CancelOffer() => _pending = null;

    /// <summary>
    /// Applies the answer to our outstanding offer. An invalid answer leaves the previous exchange in force;
    /// either way the offer is no longer outstanding.
    /// </summary>
    public bool TryApplyAnswer(SdpSession answer, out SdpNegotiationError error)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (_pending is not { } pending)
        {
            error = Fail(SdpNegotiationErrorCode.NoOfferPending, "There is no offer of ours to answer.");
            return false;
        }

        _pending = null;
        error = CheckAnswerShape(pending.Offer, answer);
        if (error.Code != SdpNegotiationErrorCode.None)
        {
            return false;
        }

        var audio = answer.Media[pending.AudioIndex];
        if (audio.Port == 0)
        {
            error = Fail(SdpNegotiationErrorCode.NoAcceptableMedia, "The answer rejected our audio stream.");
            return false;
        }

        if (!TryChooseCodec(audio, out var codec))
        {
            error = Fail(SdpNegotiationErrorCode.NoCommonCodec, "The answer's audio lists no codec we offered.");
            return false;
        }

        if (!TryReadRemote(answer, audio, out var remote, out error))
        {
            return false;
        }

        var localDirection = pending.Offer.DirectionOf(pending.Offer.Media[pending.AudioIndex]);
        WeHoldRemote = pending.Hold;
        Current = new SdpNegotiatedMedia(localDirection, remote.Direction, pending.Hold, codec, TelephoneEventOf(audio), remote.Rtp, remote.Rtcp);
        _layout = pending.Offer.Media;
        _audioIndex = pending.AudioIndex;
        return true;
    }

    private SdpSession Offer(bool hold)
    {
        var direction = !hold ? SdpDirection.SendRecv
            : Current is { RemoteHoldsUs: true } ? SdpDirection.Inactive
            : SdpDirection.SendOnly;
        var audio = OfferedAudio(direction);
        var media = new List<SdpMedia>(_layout.Count + 1);
        for (var i = 0; i < _layout.Count; i++)
        {
            media.Add(i == _audioIndex ? audio : Disabled(_layout[i]));
        }

        // A session without a usable audio slot gets one at the end: m-lines may be added, never removed.
        var audioIndex = _audioIndex >= 0 ? _audioIndex : media.Count;
        if (_audioIndex < 0)
        {
            media.Add(audio);
        }

        var offer = Stamp(media);
        _pending = new PendingOffer(offer, hold, audioIndex);
        return offer;
    }

    private static SdpNegotiationError CheckAnswerShape(SdpSession offer, SdpSession answer)
    {
        if (answer.Media.Count != offer.Media.Count)
        {
            return Fail(SdpNegotiationErrorCode.MediaCountMismatch, $"We offered {offer.Media.Count} media descriptions; the answer has {answer.Media.Count}.");
        }

        for (var i = 0; i < offer.Media.Count; i++)
        {
            var offered = offer.Media[i];
            var answered = answer.Media[i];
            if (!string.Equals(offered.MediaType, answered.MediaType, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(offered.Protocol, answered.Protocol, StringComparison.OrdinalIgnoreCase))
            {
                return Fail(SdpNegotiationErrorCode.MediaMismatch, $"Media description {i + 1} is {answered.MediaType} {answered.Protocol}; we offered {offered.MediaType} {offered.Protocol}.");
            }

            if (offered.Port == 0 && answered.Port != 0)
            {
                return Fail(SdpNegotiationErrorCode.MediaMismatch, $"Media description {i + 1} was disabled in our offer but not in the answer.");
            }
        }

        return SdpNegotiationError.None;
    }

    /// <summary>Gives the SDP we are about to send its o= line, bumping the version only if it changed.</summary>
    private SdpSession Stamp(IReadOnlyList<SdpMedia> media)
    {
        var session = new SdpSession
        {
            Origin = new SdpOrigin(_local.UserName, _sessionId, _version, _localAddress),
            Connection = _localAddress,
            Media = media,
        };
        if (_lastSent is not null && SdpWriter.WriteText(session) != SdpWriter.WriteText(_lastSent))
        {
            _version++;
            session = session with { Origin = session.Origin with { SessionVersion = _version } };
        }

        _lastSent = session;
        return session;
    }

    private static SdpNegotiationError Fail(SdpNegotiationErrorCode code, string detail) => new(code, detail);

    private sealed record PendingOffer(SdpSession Offer, bool Hold, int AudioIndex);
}
