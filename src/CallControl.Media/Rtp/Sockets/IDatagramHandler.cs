namespace CallControl.Media.Rtp.Sockets;

public interface IDatagramHandler
{
    /// <summary>
    /// Called for each datagram, one at a time per socket, on a thread-pool thread shared with other sockets:
    /// it must not block, and must not keep <paramref name="datagram"/>'s bytes or source beyond the call.
    /// </summary>
    void OnDatagram(MediaSocket socket, in ReceivedDatagram datagram);
}
