namespace CallControl.Media.Rtp.Dtmf;

/// <summary>A telephone-event packet to send: the RTP marker and timestamp, and the payload block.</summary>
public readonly record struct DtmfPacket(bool Marker, uint Timestamp, DtmfEvent Event);
