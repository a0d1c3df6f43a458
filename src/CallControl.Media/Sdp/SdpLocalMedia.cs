using System.Net;

namespace CallControl.Media.Sdp;

/// <summary>What we can do and where we receive: the input to <see cref="SdpNegotiator"/>.</summary>
/// <param name="Address">Our RTP address, written in <c>o=</c> and <c>c=</c>.</param>
/// <param name="RtpPort">Our RTP port; RTCP is on the next one.</param>
public sealed record SdpLocalMedia(IPAddress Address, int RtpPort)
{
    /// <summary>Our audio codecs, most preferred first; the defaults are PCMU then PCMA.</summary>
    public IReadOnlyList<SdpCodec> Codecs { get; init; } = [SdpCodec.Pcmu, SdpCodec.Pcma];

    /// <summary>The dynamic payload type we offer telephone-event on before the far end has picked one.</summary>
    public int TelephoneEventPayloadType { get; init; } = 101;

    /// <summary>The telephone-event fmtp: the DTMF events we receive.</summary>
    public string TelephoneEvents { get; init; } = "0-16";

    /// <summary>Our packet time in milliseconds.</summary>
    public int Ptime { get; init; } = 20;

    /// <summary>The <c>o=</c> username.</summary>
    public string UserName { get; init; } = "-";
}
