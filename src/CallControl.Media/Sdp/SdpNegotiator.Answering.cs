using System.Diagnostics.CodeAnalysis;

namespace CallControl.Media.Sdp;

public sealed partial class SdpNegotiator
{
    /// <summary>
    /// Answers a remote offer (RFC 3264 section 6). The answer has the offer's media descriptions in the
    /// same order; the first audio RTP/AVP stream with a codec in common is accepted and every other
    /// one gets port 0. The codec is the first of the offer's formats that we support, on the offer's
    /// payload type numbers, telephone-event included. Our direction mirrors the offer's, capped by our
    /// own hold intent. An offer whose address is 0.0.0.0 (the RFC 2543 hold) is read as the offerer
    /// not receiving, so we answer recvonly (or inactive) with our real address.
    /// </summary>
    public bool TryCreateAnswer(SdpSession offer, [NotNullWhen(true)] out SdpSession? answer, out SdpNegotiationError error)
    {
        ArgumentNullException.ThrowIfNull(offer);
        answer = null;
        if (_pending is not null)
        {
            error = Fail(SdpNegotiationErrorCode.OfferInProgress, "Our own offer awaits its answer.");
            return false;
        }

        var intent = WeHoldRemote ? SdpDirection.SendOnly : SdpDirection.SendRecv;
        var media = new SdpMedia[offer.Media.Count];
        SdpNegotiatedMedia? negotiated = null;
        var audioIndex = -1;
        for (var i = 0; i < media.Length; i++)
        {
            var offered = offer.Media[i];
            if (negotiated is null && IsAcceptableAudio(offered) && TryChooseCodec(offered, out var codec))
            {
                if (!TryReadRemote(offer, offered, out var remote, out error))
                {
                    return false;
                }

                var telephoneEvent = TelephoneEventOf(offered);
                var direction = remote.Direction.Reverse().Intersect(intent);
                media[i] = AnsweredAudio(codec, telephoneEvent, direction);
                negotiated = new SdpNegotiatedMedia(direction, remote.Direction, WeHoldRemote, codec, telephoneEvent, remote.Rtp, remote.Rtcp);
                audioIndex = i;
            }
            else
            {
                media[i] = Disabled(offered);
            }
        }

        if (negotiated is null)
        {
            error = Fail(SdpNegotiationErrorCode.NoAcceptableMedia, "The offer has no audio RTP/AVP stream with a codec we support.");
            return false;
        }

        answer = Stamp(media);
        Current = negotiated;
        _layout = media;
        _audioIndex = audioIndex;
        error = SdpNegotiationError.None;
        return true;
    }

    private static bool IsAcceptableAudio(SdpMedia media) =>
        media.Port != 0
        && string.Equals(media.MediaType, "audio", StringComparison.OrdinalIgnoreCase)
        && string.Equals(media.Protocol, SdpMedia.RtpAvp, StringComparison.OrdinalIgnoreCase);
}
