namespace CallControl.Media.Rtp.Sockets;

/// <summary>
/// Where a <see cref="MediaSocket"/> sends: to the address the far end wrote in its SDP, or to the address its
/// packets actually come from (symmetric RTP, RFC 4961), which is the only one that works through a NAT that
/// rewrote the source. The decision is taken on the first packet after each <see cref="MediaSocket.SetRemote"/>
/// and then kept, so a stray or forged packet later in the call cannot redirect the media.
/// </summary>
public enum SymmetricRtp
{
    /// <summary>Always send to the SDP address; for peers that send from a different port than they receive on.</summary>
    Off,

    /// <summary>
    /// Send to the first packet's source only if it differs from the SDP address (the peer is behind a NAT);
    /// a first packet from the SDP address confirms it. Before any packet, send to the SDP address.
    /// </summary>
    Auto,

    /// <summary>
    /// Send to wherever the first packet came from, whatever the SDP says, and to the SDP address until then;
    /// for peers known to be behind NAT, and for an SDP address that is unusable (0.0.0.0 or missing).
    /// </summary>
    On,
}
