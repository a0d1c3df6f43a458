namespace CallControl.Media.Rtp.Statistics;

/// <summary>Round-trip time from a report block that echoes our sender report (RFC 3550 §6.4.1).</summary>
public static class RoundTripTime
{
    /// <summary>
    /// RTT = A − LSR − DLSR, all in the middle 32 bits of NTP time (1/65536 s). False when the peer has not yet
    /// seen a sender report of ours (LSR 0) or the result would be negative (clock or report confusion).
    /// </summary>
    /// <param name="arrivalNtpMiddle32">When the report block arrived, as the middle 32 bits of our NTP clock.</param>
    public static bool TryCompute(uint arrivalNtpMiddle32, uint lastSenderReport, uint delaySinceLastSenderReport, out TimeSpan roundTripTime)
    {
        roundTripTime = TimeSpan.Zero;
        if (lastSenderReport == 0)
        {
            return false;
        }

        // The 16.16 clock wraps every 18 hours; signed differences keep a value near the wrap right.
        var units = (int)(arrivalNtpMiddle32 - lastSenderReport - delaySinceLastSenderReport);
        if (units < 0)
        {
            return false;
        }

        roundTripTime = TimeSpan.FromTicks(units * TimeSpan.TicksPerSecond / 65536);
        return true;
    }
}
