using System.Buffers.Binary;
using System.Text;

namespace CallControl.Media.Rtp.Packets;

/// <summary>
/// Writes RTCP packets (RFC 3550 §6.4–6.6) into a caller's buffer and returns the octets written. A compound
/// packet is these written one after another, an SR or RR first. A destination too small is a sizing bug in
/// the caller, so it throws rather than truncating.
/// </summary>
public static class RtcpWriter
{
    /// <summary>Report blocks, SDES chunks and BYE sources are counted in 5 bits.</summary>
    public const int MaxCount = 31;

    private const int SenderInfoLength = 20;

    public static int WriteSenderReport(
        Span<byte> destination,
        uint ssrc,
        RtcpSenderInfo senderInfo,
        ReadOnlySpan<RtcpReportBlock> reportBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reportBlocks.Length, MaxCount, nameof(reportBlocks));
        var length = RtcpPacket.HeaderLength + 4 + SenderInfoLength + (RtcpReportBlock.Length * reportBlocks.Length);
        EnsureFits(destination, length);

        RtcpPacket.WriteHeader(destination, reportBlocks.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], senderInfo.NtpTimestamp.Value);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], senderInfo.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], senderInfo.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], senderInfo.OctetCount);
        WriteReportBlocks(destination[28..], reportBlocks);
        return length;
    }

    public static int WriteReceiverReport(Span<byte> destination, uint ssrc, ReadOnlySpan<RtcpReportBlock> reportBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reportBlocks.Length, MaxCount, nameof(reportBlocks));
        var length = RtcpPacket.HeaderLength + 4 + (RtcpReportBlock.Length * reportBlocks.Length);
        EnsureFits(destination, length);

        RtcpPacket.WriteHeader(destination, reportBlocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        WriteReportBlocks(destination[8..], reportBlocks);
        return length;
    }

    /// <summary>An SDES packet with one chunk carrying only the CNAME (at most 255 octets).</summary>
    public static int WriteSourceDescription(Span<byte> destination, uint ssrc, ReadOnlySpan<byte> canonicalName)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(canonicalName.Length, byte.MaxValue, nameof(canonicalName));

        // Chunk: SSRC, CNAME item, then at least one null octet padding the chunk to a 32-bit boundary.
        var itemsEnd = RtcpPacket.HeaderLength + 4 + 2 + canonicalName.Length;
        var length = (itemsEnd + 4) & ~3;
        EnsureFits(destination, length);

        RtcpPacket.WriteHeader(destination, 1, RtcpPacketType.SourceDescription, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = RtcpSourceDescription.CanonicalNameItem;
        destination[9] = (byte)canonicalName.Length;
        canonicalName.CopyTo(destination[10..]);
        destination[itemsEnd..length].Clear();
        return length;
    }

    /// <summary>As the byte overload, encoding the CNAME as UTF-8 straight into the destination.</summary>
    public static int WriteSourceDescription(Span<byte> destination, uint ssrc, string canonicalName)
    {
        ArgumentNullException.ThrowIfNull(canonicalName);
        var nameLength = Encoding.UTF8.GetByteCount(canonicalName);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nameLength, byte.MaxValue, nameof(canonicalName));
        EnsureFits(destination, 10 + nameLength);

        // Encode in place; the byte overload's copy onto the same span is then a no-op move.
        Encoding.UTF8.GetBytes(canonicalName, destination[10..]);
        return WriteSourceDescription(destination, ssrc, destination.Slice(10, nameLength));
    }

    /// <summary>A BYE for <paramref name="sources"/>, with a reason (at most 255 octets) when one is given.</summary>
    public static int WriteGoodbye(Span<byte> destination, ReadOnlySpan<uint> sources, ReadOnlySpan<byte> reason = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sources.Length, MaxCount, nameof(sources));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reason.Length, byte.MaxValue, nameof(reason));
        var sourcesEnd = RtcpPacket.HeaderLength + (4 * sources.Length);
        var contentEnd = reason.IsEmpty ? sourcesEnd : sourcesEnd + 1 + reason.Length;
        var length = (contentEnd + 3) & ~3;
        EnsureFits(destination, length);

        RtcpPacket.WriteHeader(destination, sources.Length, RtcpPacketType.Goodbye, length);
        for (var i = 0; i < sources.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(4 + (4 * i))..], sources[i]);
        }

        if (!reason.IsEmpty)
        {
            destination[sourcesEnd] = (byte)reason.Length;
            reason.CopyTo(destination[(sourcesEnd + 1)..]);
        }

        destination[contentEnd..length].Clear();
        return length;
    }

    private static void WriteReportBlocks(Span<byte> destination, ReadOnlySpan<RtcpReportBlock> reportBlocks)
    {
        for (var i = 0; i < reportBlocks.Length; i++)
        {
            reportBlocks[i].Write(destination[(RtcpReportBlock.Length * i)..]);
        }
    }

    private static void EnsureFits(Span<byte> destination, int length)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"An RTCP packet of {length} octets does not fit {destination.Length}.", nameof(destination));
        }
    }
}
