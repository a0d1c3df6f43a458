namespace CallControl.Media.Rtp.Packets;

/// <summary>One reception report block of an SR or RR (RFC 3550 §6.4.1).</summary>
/// <param name="Ssrc">The source the block reports on.</param>
/// <param name="FractionLost">Loss since the previous report, in 1/256.</param>
/// <param name="CumulativeLost">Packets lost since reception began: signed 24 bits, negative with duplicates.</param>
/// <param name="ExtendedHighestSequence">Highest sequence number received, with wrap count in the high 16 bits.</param>
/// <param name="Jitter">Interarrival jitter in RTP timestamp units.</param>
/// <param name="LastSenderReport">Middle 32 bits of the NTP timestamp of the last SR from the source, or 0.</param>
/// <param name="DelaySinceLastSenderReport">Time since that SR arrived, in 1/65536 s, or 0.</param>
public readonly partial record struct RtcpReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport);
