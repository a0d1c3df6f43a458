namespace CallControl.Media.Calls.Legs;

/// <summary>The far end sent no RTP for the inactivity timeout while the call was not on hold.</summary>
/// <param name="SilentFor">How long since the last RTP packet (or since the leg started or came off hold).</param>
/// <param name="Quality">The far end's media quality up to then.</param>
public sealed record RtpLegGone(TimeSpan SilentFor, LegQuality Quality);
