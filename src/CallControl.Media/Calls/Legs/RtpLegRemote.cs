using System.Net;
using CallControl.Media.Rtp.Sockets;

namespace CallControl.Media.Calls.Legs;

/// <summary>The far end of a leg as its SDP describes it.</summary>
/// <param name="RtpEndPoint">The connection address and media port.</param>
/// <param name="PayloadType">The negotiated G.711 payload type: <see cref="Pcmu"/> or <see cref="Pcma"/>.</param>
/// <param name="TelephoneEventPayloadType">The dynamic payload type of RFC 4733 events, when negotiated.</param>
/// <param name="RtcpEndPoint">The a=rtcp address (RFC 3605); the media port + 1 when null.</param>
/// <param name="Latching">Whether to send to where the far end's packets come from instead of the SDP address.</param>
public sealed record RtpLegRemote(
    IPEndPoint RtpEndPoint,
    byte PayloadType,
    byte? TelephoneEventPayloadType = null,
    IPEndPoint? RtcpEndPoint = null,
    SymmetricRtp Latching = SymmetricRtp.Auto)
{
    /// <summary>False while the far end does not want our media (it holds us): nothing is sent, RTCP aside.</summary>
    public bool SendToFarEnd { get; init; } = true;

    public const byte Pcmu = 0;
    public const byte Pcma = 8;
}
