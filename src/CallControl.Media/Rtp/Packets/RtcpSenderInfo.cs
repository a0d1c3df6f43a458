namespace CallControl.Media.Rtp.Packets;

/// <summary>The sender information of an SR (RFC 3550 §6.4.1).</summary>
/// <param name="NtpTimestamp">Wallclock time when the report was sent.</param>
/// <param name="RtpTimestamp">The same instant in the RTP clock of the sender's stream.</param>
/// <param name="PacketCount">RTP packets sent since the stream began.</param>
/// <param name="OctetCount">Payload octets sent since the stream began.</param>
public readonly record struct RtcpSenderInfo(NtpTimestamp NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount);
