using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Packets;

/// <summary>A BYE packet (RFC 3550 §6.6) read from an <see cref="RtcpPacket"/>.</summary>
public readonly ref struct RtcpGoodbye
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpGoodbye(ReadOnlySpan<byte> body, int sourceCount, ReadOnlySpan<byte> reason)
    {
        _body = body;
        SourceCount = sourceCount;
        Reason = reason;
    }

    public int SourceCount { get; }

    /// <summary>The reason for leaving, as sent (UTF-8); empty when none was given.</summary>
    public ReadOnlySpan<byte> Reason { get; }

    public uint GetSource(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SourceCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_body[(4 * index)..]);
    }

    /// <summary>False when the packet is not a BYE, its sources run past the end, or its reason does.</summary>
    public static bool TryRead(RtcpPacket packet, out RtcpGoodbye goodbye)
    {
        goodbye = default;
        var body = packet.Body;
        var sourcesLength = 4 * packet.Count;
        if (packet.Type != RtcpPacketType.Goodbye || body.Length < sourcesLength)
        {
            return false;
        }

        var reason = ReadOnlySpan<byte>.Empty;
        if (body.Length > sourcesLength)
        {
            var reasonLength = body[sourcesLength];
            if (sourcesLength + 1 + reasonLength > body.Length)
            {
                return false;
            }

            reason = body.Slice(sourcesLength + 1, reasonLength);
        }

        goodbye = new RtcpGoodbye(body, packet.Count, reason);
        return true;
    }
}
