using CallControl.Media.Rtp.Packets;
using CallControl.Media.Rtp.Statistics;

namespace CallControl.Media.Calls.Legs;

public sealed partial class RtpLeg
{
    private readonly byte[] _rtcpBuffer = new byte[512];

    /// <summary>
    /// Sends SR (if we sent media since the last report) or RR, with a block about the far end's stream, then
    /// SDES CNAME and, when closing, BYE: one compound packet as RFC 3550 §6.1 requires.
    /// </summary>
    private void SendReport(bool goodbye)
    {
        var now = _time.GetTimestamp();
        bool sentSinceReport;
        RtcpSenderInfo senderInfo;
        lock (_sendGate)
        {
            sentSinceReport = _sentSinceReport;
            _sentSinceReport = false;
            senderInfo = new RtcpSenderInfo(NtpTimestamp.FromDateTimeOffset(_time.GetUtcNow()), _out.TimestampAt(now), _packetsSent, _octetsSent);
        }

        // Under the gate because the clock thread and Dispose may both get here, and they share the buffer.
        lock (_gate)
        {
            var block = default(RtcpReportBlock);
            var hasBlock = false;
            if (_hasFarEnd && _sources.TryGetValue(_farEndSsrc, out var statistics))
            {
                block = statistics.CreateReportBlock(_farEndSsrc, _time.GetElapsedTime(_startTimestamp, now));
                hasBlock = true;
            }

            var blocks = hasBlock ? new ReadOnlySpan<RtcpReportBlock>(in block) : default;
            var buffer = _rtcpBuffer.AsSpan();
            var ssrc = Ssrc;
            var length = sentSinceReport
                ? RtcpWriter.WriteSenderReport(buffer, ssrc, senderInfo, blocks)
                : RtcpWriter.WriteReceiverReport(buffer, ssrc, blocks);
            length += RtcpWriter.WriteSourceDescription(buffer[length..], ssrc, _canonicalName);
            if (goodbye)
            {
                length += RtcpWriter.WriteGoodbye(buffer[length..], new ReadOnlySpan<uint>(in ssrc));
            }

            _sockets.Rtcp.Send(buffer[..length]);
        }
    }

    private void OnRtcp(ReadOnlySpan<byte> compound)
    {
        if (!RtcpCompoundReader.IsValid(compound))
        {
            return;
        }

        var arrivedAt = _time.GetElapsedTime(_startTimestamp);
        var arrivalNtp = NtpTimestamp.FromDateTimeOffset(_time.GetUtcNow()).Middle32;
        var reader = new RtcpCompoundReader(compound);
        lock (_gate)
        {
            while (reader.TryReadNext(out var packet))
            {
                if (RtcpSenderReport.TryRead(packet, out var senderReport))
                {
                    if (_sources.TryGetValue(senderReport.Ssrc, out var statistics))
                    {
                        statistics.RecordSenderReport(senderReport.SenderInfo.NtpTimestamp, arrivedAt);
                    }

                    for (var index = 0; index < senderReport.ReportCount; index++)
                    {
                        MeasureRoundTrip(senderReport.GetReportBlock(index), arrivalNtp);
                    }
                }
                else if (RtcpReceiverReport.TryRead(packet, out var receiverReport))
                {
                    for (var index = 0; index < receiverReport.ReportCount; index++)
                    {
                        MeasureRoundTrip(receiverReport.GetReportBlock(index), arrivalNtp);
                    }
                }
            }
        }
    }

    private void MeasureRoundTrip(RtcpReportBlock block, uint arrivalNtp)
    {
        if (block.Ssrc == Ssrc && RoundTripTime.TryCompute(arrivalNtp, block.LastSenderReport, block.DelaySinceLastSenderReport, out var roundTrip))
        {
            Interlocked.Exchange(ref _roundTripTicks, roundTrip.Ticks);
        }
    }
}
