namespace CallControl.Media.Rtp.Dtmf;

/// <summary>A digit received as telephone events.</summary>
/// <param name="Key">0-9, *, #, A-D.</param>
/// <param name="Ssrc">The source that sent it.</param>
/// <param name="Timestamp">The RTP timestamp of the event, which identifies it within the source.</param>
/// <param name="Duration">The last duration seen, in RTP timestamp units (8 kHz for telephone-event/8000).</param>
/// <param name="EndSeen">False when the end packets were lost and the digit was closed by a later event or a timeout.</param>
public readonly record struct DtmfDigit(char Key, uint Ssrc, uint Timestamp, ushort Duration, bool EndSeen);
