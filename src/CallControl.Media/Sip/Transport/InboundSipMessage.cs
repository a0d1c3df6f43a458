using System.Buffers;

namespace CallControl.Media.Sip.Transport;

/// <summary>
/// The bytes of exactly one SIP message as received, and where it came from and arrived.
/// </summary>
/// <remarks>
/// The bytes live in a buffer rented from <see cref="ArrayPool{T}.Shared"/>. Whoever takes the item from a
/// queue owns it and disposes it once done with <see cref="Bytes"/> (after parsing, which copies what it
/// keeps); no memory taken from <see cref="Bytes"/> may be used after that. An item never disposed only
/// costs the pool a buffer. Disposing twice is harmless.
/// </remarks>
public sealed class InboundSipMessage : IDisposable
{
    private readonly int _length;
    private byte[]? _buffer;

    private InboundSipMessage(byte[] buffer, int length, SipEndPoint remote, SipEndPoint local, SipConnection? connection)
    {
        _buffer = buffer;
        _length = length;
        Remote = remote;
        Local = local;
        Connection = connection;
    }

    /// <summary>The message: start line, headers and body, exactly as they arrived.</summary>
    public ReadOnlyMemory<byte> Bytes => _buffer is { } buffer
        ? buffer.AsMemory(0, _length)
        : throw new ObjectDisposedException(nameof(InboundSipMessage));

    /// <summary>The sender's address and port as seen on the socket: the source of <c>received</c> and <c>rport</c>.</summary>
    public SipEndPoint Remote { get; }

    /// <summary>The local address and port the message arrived on.</summary>
    public SipEndPoint Local { get; }

    /// <summary>For TCP, the connection it arrived on, where responses to it go; null for UDP.</summary>
    public SipConnection? Connection { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static InboundSipMessage Copy(ReadOnlySpan<byte> bytes, SipEndPoint remote, SipEndPoint local)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(buffer);
        return new InboundSipMessage(buffer, bytes.Length, remote, local, null);
    }

    internal static InboundSipMessage Copy(in ReadOnlySequence<byte> bytes, SipConnection connection)
    {
        var length = checked((int)bytes.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        bytes.CopyTo(buffer);
        return new InboundSipMessage(buffer, length, connection.Remote, connection.Local, connection);
    }
}
