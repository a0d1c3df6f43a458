using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace CallControl.Media.Sdp;

public sealed partial class SdpNegotiator
{
    private const int TelephoneEventClockRate = 8000;

    private SdpMedia OfferedAudio(SdpDirection direction)
    {
        var telephoneEvent = new SdpCodec(
            Current?.TelephoneEventPayloadType ?? _local.TelephoneEventPayloadType, SdpCodec.TelephoneEvent, TelephoneEventClockRate);
        return Audio([.. _local.Codecs, telephoneEvent], telephoneEvent.PayloadType, direction);
    }

    private SdpMedia AnsweredAudio(SdpCodec codec, int? telephoneEventPayloadType, SdpDirection direction) =>
        telephoneEventPayloadType is { } payloadType
            ? Audio([codec, new SdpCodec(payloadType, SdpCodec.TelephoneEvent, TelephoneEventClockRate)], payloadType, direction)
            : Audio([codec], null, direction);

    private SdpMedia Audio(IReadOnlyList<SdpCodec> codecs, int? telephoneEventPayloadType, SdpDirection direction) => new()
    {
        MediaType = "audio",
        Port = _local.RtpPort,
        Protocol = SdpMedia.RtpAvp,
        Formats = [.. codecs.Select(codec => codec.Format)],
        RtpMaps = [.. codecs.Select(codec => codec.ToRtpMap())],
        Fmtps = telephoneEventPayloadType is { } payloadType ? [new SdpFmtp(payloadType, _local.TelephoneEvents)] : [],
        Ptime = _local.Ptime,
        Direction = direction,
    };

    /// <summary>A stream we do not take part in: same type, protocol and formats, port 0 (RFC 3264 section 6).</summary>
    private static SdpMedia Disabled(SdpMedia media) => new()
    {
        MediaType = media.MediaType,
        Port = 0,
        Protocol = media.Protocol,
        Formats = media.Formats,
    };

    /// <summary>The first of the description's formats, in its order, that is one of our codecs.</summary>
    private bool TryChooseCodec(SdpMedia media, out SdpCodec chosen)
    {
        foreach (var format in media.Formats)
        {
            if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var payloadType))
            {
                continue;
            }

            foreach (var codec in _local.Codecs)
            {
                if (codec.IsFormatOf(media, payloadType))
                {
                    chosen = codec with { PayloadType = payloadType };
                    return true;
                }
            }
        }

        chosen = default;
        return false;
    }

    private static int? TelephoneEventOf(SdpMedia media)
    {
        foreach (var format in media.Formats)
        {
            if (int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var payloadType)
                && media.RtpMapOf(payloadType) is { } map
                && string.Equals(map.EncodingName, SdpCodec.TelephoneEvent, StringComparison.OrdinalIgnoreCase)
                && map.ClockRate == TelephoneEventClockRate)
            {
                return payloadType;
            }
        }

        return null;
    }

    /// <summary>Reads where the far end receives and which way its stream flows.</summary>
    private static bool TryReadRemote(SdpSession session, SdpMedia media, out RemoteMedia remote, out SdpNegotiationError error)
    {
        remote = default;
        if (session.ConnectionOf(media) is not { } connection || !connection.TryGetIPAddress(out var address))
        {
            error = Fail(SdpNegotiationErrorCode.UnusableConnection, "The audio stream's connection address is missing or not an IP address.");
            return false;
        }

        error = SdpNegotiationError.None;
        var direction = session.DirectionOf(media);
        if (connection.IsUnspecified)
        {
            remote = new RemoteMedia(direction.WithoutReceiving(), null, null);
            return true;
        }

        var rtcpAddress = media.Rtcp?.Address is { } rtcpHost && rtcpHost.TryGetIPAddress(out var parsed) ? parsed : address;
        IPEndPoint? rtcp = media.Rtcp is { } attribute ? new IPEndPoint(rtcpAddress, attribute.Port)
            : media.Port < IPEndPoint.MaxPort ? new IPEndPoint(address, media.Port + 1)
            : null;
        remote = new RemoteMedia(direction, new IPEndPoint(address, media.Port), rtcp);
        return true;
    }

    private readonly record struct RemoteMedia(SdpDirection Direction, IPEndPoint? Rtp, IPEndPoint? Rtcp);
}
