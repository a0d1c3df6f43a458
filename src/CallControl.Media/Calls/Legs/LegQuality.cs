namespace CallControl.Media.Calls.Legs;

/// <summary>What the far end's media was like, for the call record.</summary>
/// <param name="PacketsReceived">RTP packets counted from the far end's current stream; 0 means the other figures say nothing.</param>
/// <param name="LossPercent">Share of expected packets that never arrived, 0 to 100.</param>
/// <param name="JitterMilliseconds">Interarrival jitter at the end (RFC 3550 §6.4.1).</param>
/// <param name="RoundTripMilliseconds">The last round-trip time measured over RTCP; null when the far end never echoed one of our SRs.</param>
/// <param name="Mos">Estimated MOS for G.711, taking the round trip as 0 when it is unknown.</param>
public sealed record LegQuality(
    long PacketsReceived,
    double LossPercent,
    double JitterMilliseconds,
    double? RoundTripMilliseconds,
    double Mos);
