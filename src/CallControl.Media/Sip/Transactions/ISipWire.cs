using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Sip.Transactions;

/// <summary>What the transaction layer needs of the transport: where it listens and a way to send bytes.</summary>
internal interface ISipWire
{
    IReadOnlyList<SipEndPoint> LocalEndPoints { get; }

    ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipEndPoint to, SipConnection? via);
}

/// <summary>The real wire: a <see cref="SipTransport"/>.</summary>
internal sealed class TransportWire(SipTransport transport) : ISipWire
{
    public IReadOnlyList<SipEndPoint> LocalEndPoints => transport.LocalEndPoints;

    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipEndPoint to, SipConnection? via) =>
        transport.SendAsync(message, to, via);
}
