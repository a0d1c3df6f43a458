using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Rtp.Statistics;

/// <summary>
/// Reception state of one RTP source (RFC 3550 Appendix A.1, A.3, A.8): sequence validation with probation,
/// extended sequence numbers across wraps, loss and interarrival jitter, and what the next report block says.
/// One instance per leg; updating it allocates nothing.
/// </summary>
public sealed class RtpReceiverStatistics
{
    // Appendix A.1's tolerances: a gap up to MaxDropout is loss, up to MaxMisorder behind is reordering.
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const int MinSequential = 2;
    private const uint SequenceModulo = 1u << 16;

    private const int CumulativeLostMax = 0x7FFFFF;
    private const int CumulativeLostMin = -0x800000;

    private bool _seen;
    private ushort _maxSequence;
    private uint _cycles;
    private uint _baseSequence;
    private uint _badSequence;
    private int _probation;
    private uint _received;
    private uint _expectedPrior;
    private uint _receivedPrior;
    private bool _hasTransit;
    private uint _transit;
    private uint _scaledJitter;
    private uint _lastSenderReport;
    private TimeSpan _lastSenderReportArrival;

    /// <summary>Packets counted as received since the source was validated (duplicates included, as A.3 says).</summary>
    public uint Received => _received;

    /// <summary>The highest sequence number seen, with the count of 16-bit wraps above it.</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSequence;

    /// <summary>Packets expected from the first validated one up to the highest seen.</summary>
    public long Expected => _seen && _probation == 0 ? (long)ExtendedHighestSequence - _baseSequence + 1 : 0;

    /// <summary>Expected minus received; negative when duplicates outnumber losses.</summary>
    public long Lost => Expected - _received;

    /// <summary><see cref="Lost"/> clamped to the signed 24 bits a report block carries.</summary>
    public int CumulativeLost => (int)Math.Clamp(Lost, CumulativeLostMin, CumulativeLostMax);

    /// <summary>Interarrival jitter in RTP timestamp units, as a report block carries it.</summary>
    public uint Jitter => _scaledJitter >> 4;

    /// <summary>Share of expected packets lost over the whole call, 0 when nothing was lost.</summary>
    public double LossRatio => Expected <= 0 || Lost <= 0 ? 0 : (double)Lost / Expected;

    /// <param name="sequence">The packet's RTP sequence number.</param>
    /// <param name="rtpTimestamp">The packet's RTP timestamp.</param>
    /// <param name="arrivalTimeInRtpUnits">
    /// The local arrival time in the same clock rate as the RTP timestamp; only differences matter, so any origin works.
    /// </param>
    public RtpSequenceOutcome Update(ushort sequence, uint rtpTimestamp, uint arrivalTimeInRtpUnits)
    {
        var outcome = UpdateSequence(sequence);
        if (outcome == RtpSequenceOutcome.Accepted)
        {
            UpdateJitter(rtpTimestamp, arrivalTimeInRtpUnits);
        }

        return outcome;
    }

    /// <summary>
    /// Fraction of packets lost since the previous call, in 1/256 (A.3), and starts the next interval. 0 when
    /// duplicates made up for losses or nothing was expected.
    /// </summary>
    public byte TakeFractionLost()
    {
        var expected = (uint)Expected;
        var expectedInterval = expected - _expectedPrior;
        var receivedInterval = _received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = _received;
        var lostInterval = (long)expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0)
        {
            return 0;
        }

        return (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
    }

    /// <summary>
    /// Notes a sender report from this source so the next report block can echo it as LSR with its DLSR.
    /// </summary>
    /// <param name="ntpTimestamp">The sender report's NTP timestamp.</param>
    /// <param name="arrivedAt">When it arrived, on the same monotonic clock later passed as <c>now</c>.</param>
    public void RecordSenderReport(NtpTimestamp ntpTimestamp, TimeSpan arrivedAt)
    {
        _lastSenderReport = ntpTimestamp.Middle32;
        _lastSenderReportArrival = arrivedAt;
    }

    /// <summary>A report block about this source as of <paramref name="now"/>; closes the loss interval.</summary>
    public RtcpReportBlock CreateReportBlock(uint ssrc, TimeSpan now)
    {
        var delay = _lastSenderReport == 0
            ? 0u
            : (uint)Math.Clamp((now - _lastSenderReportArrival).TotalSeconds * 65536, 0, uint.MaxValue);
        return new RtcpReportBlock(
            ssrc,
            TakeFractionLost(),
            CumulativeLost,
            ExtendedHighestSequence,
            Jitter,
            _lastSenderReport,
            delay);
    }

    /// <summary>
    /// An estimated MOS for what this source delivered so far: whole-call loss, current jitter and the
    /// round-trip time measured over RTCP (see <see cref="G711QualityEstimate"/>).
    /// </summary>
    public double EstimateMos(int clockRate, TimeSpan roundTripTime) =>
        G711QualityEstimate.Mos(LossRatio, TimeSpan.FromSeconds((double)Jitter / clockRate), roundTripTime);

    private RtpSequenceOutcome UpdateSequence(ushort sequence)
    {
        if (!_seen)
        {
            _seen = true;
            Restart(sequence);
            _maxSequence = (ushort)(sequence - 1);
            _probation = MinSequential;
        }

        var delta = (ushort)(sequence - _maxSequence);
        if (_probation > 0)
        {
            if (sequence == (ushort)(_maxSequence + 1))
            {
                _probation--;
                _maxSequence = sequence;
                if (_probation == 0)
                {
                    Restart(sequence);
                    _received++;
                    return RtpSequenceOutcome.Accepted;
                }
            }
            else
            {
                _probation = MinSequential - 1;
                _maxSequence = sequence;
            }

            return RtpSequenceOutcome.Probation;
        }

        if (delta < MaxDropout)
        {
            if (sequence < _maxSequence)
            {
                _cycles += SequenceModulo;
            }

            _maxSequence = sequence;
        }
        else if (delta <= SequenceModulo - MaxMisorder)
        {
            if (sequence != _badSequence)
            {
                _badSequence = (sequence + 1u) & (SequenceModulo - 1);
                return RtpSequenceOutcome.Discarded;
            }

            // Two packets in sequence after a big jump: the sender restarted without saying so.
            Restart(sequence);
        }

        _received++;
        return RtpSequenceOutcome.Accepted;
    }

    private void Restart(ushort sequence)
    {
        _baseSequence = sequence;
        _maxSequence = sequence;
        _badSequence = SequenceModulo + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
        _hasTransit = false;
    }

    private void UpdateJitter(uint rtpTimestamp, uint arrivalTimeInRtpUnits)
    {
        // Unsigned wrap-around keeps the difference right even when either clock wraps.
        var transit = arrivalTimeInRtpUnits - rtpTimestamp;
        if (_hasTransit)
        {
            var d = (int)(transit - _transit);
            var magnitude = (uint)Math.Abs((long)d);

            // J += (|D| - J) / 16, kept scaled by 16 in integers as A.8 suggests.
            _scaledJitter = (uint)((long)_scaledJitter + magnitude - ((_scaledJitter + 8) >> 4));
        }

        _transit = transit;
        _hasTransit = true;
    }
}
