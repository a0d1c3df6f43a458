namespace CallControl.Media.Sip.Transport;

public enum SipTransportKind
{
    Udp,
    Tcp,
}
