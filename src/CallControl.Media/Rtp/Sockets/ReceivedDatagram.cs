using System.Net;

namespace CallControl.Media.Rtp.Sockets;

/// <summary>
/// One datagram as it arrived. It lives in the socket's own receive buffer and its source in a reused
/// <see cref="SocketAddress"/>, both overwritten by the next datagram, so a handler copies what it keeps.
/// The handler may change the bytes in place (a relay rewrites the RTP header before sending them on):
/// nothing else reads the buffer until the handler returns.
/// </summary>
public readonly ref struct ReceivedDatagram
{
    public ReceivedDatagram(Span<byte> bytes, SocketAddress source, long receivedAt)
    {
        Bytes = bytes;
        Source = source;
        ReceivedAt = receivedAt;
    }

    public Span<byte> Bytes { get; }

    public SocketAddress Source { get; }

    /// <summary>The socket's <see cref="TimeProvider"/> timestamp when the receive completed.</summary>
    public long ReceivedAt { get; }
}
