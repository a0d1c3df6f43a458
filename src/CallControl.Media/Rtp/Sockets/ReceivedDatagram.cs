using System.Net;

namespace CallControl.Media.Rtp.Sockets;

/// <summary>
/// One datagram as it arrived. It lives in the socket's own receive buffer and its source in a reused
/// <see cref="SocketAddress"/>, both overwritten by the next datagram, so a handler copies what it keeps.
/// </summary>
public readonly ref struct ReceivedDatagram
{
    public ReceivedDatagram(ReadOnlySpan<byte> bytes, SocketAddress source, long receivedAt)
    {
        Bytes = bytes;
        Source = source;
        ReceivedAt = receivedAt;
    }

    public ReadOnlySpan<byte> Bytes { get; }

    public SocketAddress Source { get; }

    /// <summary>The socket's <see cref="TimeProvider"/> timestamp when the receive completed.</summary>
    public long ReceivedAt { get; }
}
