namespace CallControl.Media.Calls.Legs;

/// <summary>A leg's packet counts since it started.</summary>
/// <param name="Received">Valid RTP packets from the far end.</param>
/// <param name="Dropped">Datagrams from the far end that were not RTP, or came from a source too many.</param>
/// <param name="Muted">Packets from the far end kept from the peer because the leg was muted.</param>
/// <param name="Relayed">Packets of the peer's far end sent to this far end.</param>
/// <param name="Generated">Packets the leg made itself (music, digits) and sent to the far end.</param>
/// <param name="NotSent">Packets for the far end that were not sent: on hold, no address yet, no common payload type, or refused by the OS.</param>
public readonly record struct RtpLegCounters(long Received, long Dropped, long Muted, long Relayed, long Generated, long NotSent);
