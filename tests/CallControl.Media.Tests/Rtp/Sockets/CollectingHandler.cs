using System.Net;
using CallControl.Media.Rtp.Sockets;

namespace CallControl.Media.Tests.Rtp.Sockets;

internal sealed class CollectingHandler : IDatagramHandler
{
    private readonly List<(byte[] Bytes, IPEndPoint Source)> _received = [];

    public int Count
    {
        get
        {
            lock (_received)
            {
                return _received.Count;
            }
        }
    }

    public IReadOnlyList<(byte[] Bytes, IPEndPoint Source)> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public void OnDatagram(MediaSocket socket, in ReceivedDatagram datagram)
    {
        var source = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(datagram.Source);
        lock (_received)
        {
            _received.Add((datagram.Bytes.ToArray(), source));
        }
    }
}
