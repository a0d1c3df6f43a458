namespace CallControl.Media.Rtp.Clock;

/// <summary>A stream that sends on the media clock: music on hold, DTMF, paced relayed media.</summary>
public interface IMediaClockSubscriber
{
    /// <summary>
    /// Called on the clock's thread once per packet time. Every subscriber shares that thread, so this must
    /// only build and send its packet: no blocking, no waiting, no allocation.
    /// </summary>
    void OnTick(MediaTick tick);
}
