using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Packets;

public readonly partial record struct RtcpReportBlock
{
    /// <summary>Octets of one report block on the wire.</summary>
    public const int Length = 24;

    internal static RtcpReportBlock Read(ReadOnlySpan<byte> source)
    {
        // The cumulative loss is a signed 24-bit field: shifting it to the top of an int and back sign-extends it.
        var cumulativeLost = (int)(BinaryPrimitives.ReadUInt32BigEndian(source[4..]) << 8) >> 8;
        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            source[4],
            cumulativeLost,
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[20..]));
    }

    internal void Write(Span<byte> destination)
    {
        var lost = Math.Clamp(CumulativeLost, -0x800000, 0x7FFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ((uint)FractionLost << 24) | ((uint)lost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
    }
}
