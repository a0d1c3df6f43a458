using System.Globalization;

namespace CallControl.Media.Sdp;

/// <summary>An audio codec as offer/answer sees it: the payload type on the wire, its encoding name and clock rate.</summary>
public readonly record struct SdpCodec(int PayloadType, string EncodingName, int ClockRate)
{
    /// <summary>The encoding name of RFC 4733 DTMF events.</summary>
    public const string TelephoneEvent = "telephone-event";

    /// <summary>The first dynamic payload type; below it, RFC 3551 fixes the mapping and rtpmap is optional.</summary>
    public const int FirstDynamicPayloadType = 96;

    /// <summary>G.711 mu-law, static payload type 0.</summary>
    public static SdpCodec Pcmu => new(0, "PCMU", 8000);

    /// <summary>G.711 A-law, static payload type 8.</summary>
    public static SdpCodec Pcma => new(8, "PCMA", 8000);

    /// <summary>
    /// True when a media description's format means this codec: by its rtpmap when it has one, else by
    /// the static payload type number.
    /// </summary>
    public bool IsFormatOf(SdpMedia media, int payloadType)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.RtpMapOf(payloadType) is { } map
            ? string.Equals(map.EncodingName, EncodingName, StringComparison.OrdinalIgnoreCase) && map.ClockRate == ClockRate
            : payloadType < FirstDynamicPayloadType && payloadType == PayloadType;
    }

    internal SdpRtpMap ToRtpMap() => new(PayloadType, EncodingName, ClockRate);

    internal string Format => PayloadType.ToString(CultureInfo.InvariantCulture);
}
