using System.Net;

namespace CallControl.Media.Sip.Transport;

/// <summary>An address, port and transport: where a SIP message came from or goes to.</summary>
public readonly record struct SipEndPoint(SipTransportKind Kind, IPEndPoint EndPoint)
{
    public static SipEndPoint Udp(IPEndPoint endPoint) => new(SipTransportKind.Udp, endPoint);

    public static SipEndPoint Tcp(IPEndPoint endPoint) => new(SipTransportKind.Tcp, endPoint);

    public override string ToString() => $"{(Kind == SipTransportKind.Udp ? "udp" : "tcp")}:{EndPoint}";
}
