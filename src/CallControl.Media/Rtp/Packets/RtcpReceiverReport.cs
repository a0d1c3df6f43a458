using System.Buffers.Binary;

namespace CallControl.Media.Rtp.Packets;

/// <summary>A receiver report (RFC 3550 §6.4.2) read from an <see cref="RtcpPacket"/>.</summary>
public readonly ref struct RtcpReceiverReport
{
    private readonly ReadOnlySpan<byte> _body;

    private RtcpReceiverReport(ReadOnlySpan<byte> body, int reportCount)
    {
        _body = body;
        ReportCount = reportCount;
    }

    /// <summary>The reporter's SSRC.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_body);

    public int ReportCount { get; }

    public RtcpReportBlock GetReportBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return RtcpReportBlock.Read(_body[(4 + (RtcpReportBlock.Length * index))..]);
    }

    /// <summary>False when the packet is not an RR or is too short for its report blocks.</summary>
    public static bool TryRead(RtcpPacket packet, out RtcpReceiverReport report)
    {
        report = default;
        if (packet.Type != RtcpPacketType.ReceiverReport
            || packet.Body.Length < 4 + (RtcpReportBlock.Length * packet.Count))
        {
            return false;
        }

        report = new RtcpReceiverReport(packet.Body, packet.Count);
        return true;
    }
}
