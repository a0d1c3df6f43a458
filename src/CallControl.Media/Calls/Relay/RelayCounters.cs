namespace CallControl.Media.Calls.Relay;

/// <summary>What happened to the packets received from one side of a relay, since it was created.</summary>
/// <param name="Received">Every datagram received from that side while the relay was running.</param>
/// <param name="Relayed">Packets rewritten and handed to the other side's socket.</param>
/// <param name="Dropped">Datagrams that were not valid RTP.</param>
/// <param name="Muted">Valid packets held back because the side was muted.</param>
/// <param name="Unsent">Packets the other side's socket could not send (no remote yet, or the send failed).</param>
public readonly record struct RelayCounters(long Received, long Relayed, long Dropped, long Muted, long Unsent);
