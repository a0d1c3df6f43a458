using System.Net;

namespace CallControl.Media.Sdp;

/// <summary>The audio stream as the last completed offer/answer exchange left it.</summary>
/// <param name="LocalDirection">The direction our SDP declared.</param>
/// <param name="RemoteDirection">
/// The direction the far end's SDP declared, read without receiving when its address is 0.0.0.0 or ::.
/// </param>
/// <param name="WeHoldRemote">True when we have put the far end on hold.</param>
/// <param name="Codec">The chosen codec, with the payload type used on the wire.</param>
/// <param name="TelephoneEventPayloadType">The far end's telephone-event payload type, or null when it has none.</param>
/// <param name="RemoteRtpEndPoint">Where to send RTP; null when the far end gave 0.0.0.0.</param>
/// <param name="RemoteRtcpEndPoint">Where to send RTCP: its <c>a=rtcp</c>, else the RTP port + 1.</param>
public sealed record SdpNegotiatedMedia(
    SdpDirection LocalDirection,
    SdpDirection RemoteDirection,
    bool WeHoldRemote,
    SdpCodec Codec,
    int? TelephoneEventPayloadType,
    IPEndPoint? RemoteRtpEndPoint,
    IPEndPoint? RemoteRtcpEndPoint)
{
    /// <summary>True when the far end has put us on hold: it does not want our media (sendonly, inactive or 0.0.0.0).</summary>
    public bool RemoteHoldsUs => !RemoteDirection.Receives();

    /// <summary>True when we should send RTP: we declared sending, they declared receiving, and we know where.</summary>
    public bool SendsMedia => LocalDirection.Sends() && RemoteDirection.Receives() && RemoteRtpEndPoint is not null;

    /// <summary>True when we should expect RTP: we declared receiving and they declared sending.</summary>
    public bool ReceivesMedia => LocalDirection.Receives() && RemoteDirection.Sends();
}
