namespace CallControl.Media.Rtp.Statistics;

/// <summary>What the receiver made of a packet's sequence number (RFC 3550 Appendix A.1).</summary>
public enum RtpSequenceOutcome
{
    /// <summary>Counted as received: in order, a small gap, a reordered or duplicate packet, or a resync.</summary>
    Accepted,

    /// <summary>The source is new (or just restarted probation) and not yet trusted; the packet is not counted.</summary>
    Probation,

    /// <summary>A jump too large to believe from one packet; the next in sequence after it resyncs the source.</summary>
    Discarded,
}
