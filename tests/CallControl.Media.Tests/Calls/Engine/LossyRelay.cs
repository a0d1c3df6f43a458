using System.Net;
using System.Net.Sockets;

namespace CallControl.Media.Tests.Calls.Engine;

/// <summary>
/// Stands in front of an engine's media ports the way a NAT would: the engine advertises <see cref="Address"/> in
/// its SDP, and every RTP and RTCP port of its range there forwards to the same port on loopback, dropping every
/// <c>n</c>th RTP packet on the way in.
/// </summary>
internal sealed class LossyRelay : IDisposable
{
    /// <summary>A second loopback address: Linux answers on all of 127.0.0.0/8.</summary>
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.2");

    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _loops = [];
    private long _forwarded;
    private long _dropped;

    public LossyRelay(int lowPort, int highPort, int dropEvery)
    {
        for (var port = lowPort; port <= highPort; port++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(Address, port));
            _sockets.Add(socket);
            var isRtp = port % 2 == 0;
            var engine = new IPEndPoint(IPAddress.Loopback, port);
            _loops.Add(Task.Run(() => ForwardAsync(socket, engine, isRtp ? dropEvery : 0)));
        }
    }

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long Dropped => Interlocked.Read(ref _dropped);

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        Task.WaitAll([.. _loops], TimeSpan.FromSeconds(5));
    }

    private async Task ForwardAsync(Socket socket, IPEndPoint engine, int dropEvery)
    {
        var buffer = new byte[2048];
        var count = 0;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
                if (dropEvery > 0 && ++count % dropEvery == 0)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }

                await socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, engine);
                Interlocked.Increment(ref _forwarded);
            }
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }
}
