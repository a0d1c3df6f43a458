using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Packets;

/// <summary>
/// A source description packet (RFC 3550 §6.5) read from an <see cref="RtcpPacket"/>. Only the CNAME matters
/// to call control, so that is what it exposes; the other items are validated and skipped.
/// </summary>
public readonly ref struct RtcpSourceDescription
{
    /// <summary>The SDES item type of the canonical name.</summary>
    public const byte CanonicalNameItem = 1;

    private readonly ReadOnlySpan<byte> _body;

    private RtcpSourceDescription(ReadOnlySpan<byte> body, int chunkCount)
    {
        _body = body;
        ChunkCount = chunkCount;
    }

    public int ChunkCount { get; }

    /// <summary>The CNAME of the first chunk that carries one, with that chunk's SSRC.</summary>
    public bool TryGetCanonicalName(out uint ssrc, out ReadOnlySpan<byte> canonicalName)
    {
        var remaining = _body;
        for (var chunk = 0; chunk < ChunkCount; chunk++)
        {
            ssrc = BinaryPrimitives.ReadUInt32BigEndian(remaining);
            var offset = 4;
            while (remaining[offset] != 0)
            {
                var length = remaining[offset + 1];
                if (remaining[offset] == CanonicalNameItem)
                {
                    canonicalName = remaining.Slice(offset + 2, length);
                    return true;
                }

                offset += 2 + length;
            }

            remaining = remaining[AlignedChunkEnd(offset)..];
        }

        ssrc = 0;
        canonicalName = default;
        return false;
    }

    /// <summary>
    /// False when the packet is not an SDES or any chunk is malformed: an item running past the end, or a chunk
    /// without the null octet that ends its item list.
    /// </summary>
    public static bool TryRead(RtcpPacket packet, out RtcpSourceDescription description)
    {
        description = default;
        if (packet.Type != RtcpPacketType.SourceDescription)
        {
            return false;
        }

        var remaining = packet.Body;
        for (var chunk = 0; chunk < packet.Count; chunk++)
        {
            if (remaining.Length < 8)
            {
                return false;
            }

            var offset = 4;
            while (true)
            {
                if (offset >= remaining.Length)
                {
                    return false;
                }

                if (remaining[offset] == 0)
                {
                    break;
                }

                if (offset + 2 > remaining.Length || offset + 2 + remaining[offset + 1] > remaining.Length)
                {
                    return false;
                }

                offset += 2 + remaining[offset + 1];
            }

            var end = AlignedChunkEnd(offset);
            if (end > remaining.Length)
            {
                return false;
            }

            remaining = remaining[end..];
        }

        description = new RtcpSourceDescription(packet.Body, packet.Count);
        return true;
    }

    // The item list ends at a null octet and the chunk is padded with nulls to the next 32-bit boundary.
    private static int AlignedChunkEnd(int terminatorOffset) => (terminatorOffset + 4) & ~3;
}
