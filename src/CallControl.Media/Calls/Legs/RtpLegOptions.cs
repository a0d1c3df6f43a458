namespace CallControl.Media.Calls.Legs;

/// <param name="ReportInterval">How often an SR or RR is sent; 5 s when null (RFC 3550's minimum).</param>
/// <param name="InactivityTimeout">How long without RTP from the far end before the leg is <see cref="RtpLeg.Gone"/>; 30 s when null.</param>
/// <param name="CanonicalName">The SDES CNAME; a random one, stable for the leg, when null.</param>
public sealed record RtpLegOptions(
    TimeSpan? ReportInterval = null,
    TimeSpan? InactivityTimeout = null,
    string? CanonicalName = null);
