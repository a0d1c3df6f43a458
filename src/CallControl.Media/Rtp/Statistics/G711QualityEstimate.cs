namespace CallControl.Media.Rtp.Statistics;

/// <summary>
/// An estimated MOS for a G.711 leg from a simplified ITU-T G.107 E-model. It is a trend indicator for
/// dashboards and alerts, not a listening test.
/// </summary>
/// <remarks>
/// Simplifications: every factor outside the network is left at G.107's defaults, so R starts at 93.2 and the
/// advantage factor is 0. The delay impairment uses the common linear fit of G.107's Idd
/// (Id = 0.024·Ta + 0.11·(Ta − 177.3) once Ta exceeds 177.3 ms) with Ta the one-way mouth-to-ear delay taken
/// as half the RTT plus a 20 ms G.711 frame plus a jitter buffer of twice the measured jitter; echo is assumed
/// cancelled. Loss is treated as random (BurstR = 1), so Ie-eff = 95·Ppl / (Ppl + Bpl) with G.711's Ie = 0
/// and Bpl = 25.1, the G.113 Appendix I value for G.711 with packet loss concealment.
/// </remarks>
public static class G711QualityEstimate
{
    private const double DefaultRating = 93.2;
    private const double PacketLossRobustness = 25.1;
    private const double FrameMilliseconds = 20;
    private const double DelayKneeMilliseconds = 177.3;

    /// <summary>The transmission rating R for the given loss ratio (0–1), jitter and round-trip time.</summary>
    public static double Rating(double lossRatio, TimeSpan jitter, TimeSpan roundTripTime)
    {
        var oneWayDelay = (roundTripTime.TotalMilliseconds / 2) + FrameMilliseconds + (2 * jitter.TotalMilliseconds);
        var delayImpairment = 0.024 * oneWayDelay;
        if (oneWayDelay > DelayKneeMilliseconds)
        {
            delayImpairment += 0.11 * (oneWayDelay - DelayKneeMilliseconds);
        }

        var lossPercent = Math.Clamp(lossRatio, 0, 1) * 100;
        var lossImpairment = 95 * lossPercent / (lossPercent + PacketLossRobustness);
        return DefaultRating - delayImpairment - lossImpairment;
    }

    /// <summary>The estimated MOS (1–4.5) for the given loss ratio (0–1), jitter and round-trip time.</summary>
    public static double Mos(double lossRatio, TimeSpan jitter, TimeSpan roundTripTime) =>
        MosFromRating(Rating(lossRatio, jitter, roundTripTime));

    /// <summary>G.107 Annex B's mapping from R to MOS.</summary>
    public static double MosFromRating(double rating) => rating switch
    {
        <= 0 => 1,
        >= 100 => 4.5,
        _ => 1 + (0.035 * rating) + (rating * (rating - 60) * (100 - rating) * 7e-6),
    };
}
