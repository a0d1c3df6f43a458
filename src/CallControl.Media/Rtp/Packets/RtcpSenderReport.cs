using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Packets;

/// <summary>A sender report (RFC 3550 §6.4.1) read from an <see cref="RtcpPacket"/>.</summary>
public readonly ref struct RtcpSenderReport
{
    private const int SenderInfoLength = 20;

    private readonly ReadOnlySpan<byte> _body;

    private RtcpSenderReport(ReadOnlySpan<byte> body, int reportCount)
    {
        _body = body;
        ReportCount = reportCount;
    }

    /// <summary>The sender's SSRC.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    public RtcpSenderInfo SenderInfo => new(
        new NtpTimestamp(BinaryPrimitives.ReadUInt64BigEndian(_body[4..])),
        BinaryPrimitives.ReadUInt32BigEndian(_body[12..]),
        BinaryPrimitives.ReadUInt32BigEndian(_body[16..]),
        BinaryPrimitives.ReadUInt32BigEndian(_body[20..]));

    public int ReportCount { get; }

    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(4 + SenderInfoLength + (RtcpReportBlock.Length * index))..]);
    }

    /// <summary>False when the packet is not an SR or is too short for its sender info and report blocks.</summary>
    public static bool TryRead(RtcpPacket packet, out RtcpSenderReport report)
    {
        report = default;
        if (packet.Type != RtcpPacketType.SenderReport
            || packet.Body.Length < 4 + SenderInfoLength + (RtcpReportBlock.Length * packet.Count))
        {
            return false;
        }

        report = new RtcpSenderReport(packet.Body, packet.Count);
        return true;
    }
}
