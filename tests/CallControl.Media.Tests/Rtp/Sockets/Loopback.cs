using System.Net;
using System.Net.Sockets;
using CallControl.Media.Rtp;
using CallControl.Media.Rtp.Sockets;

namespace CallControl.Media.Tests.Rtp.Sockets;

internal static class Loopback
{
    /// <summary>A range at a random place among high ports, so parallel tests and other processes rarely meet.</summary>
    public static RtpPortRange RandomRange(int pairs, out int low)
    {
        low = 2 * Random.Shared.Next(15000, 30000 - pairs);
        return new RtpPortRange(low, low + (2 * pairs) - 1);
    }

    public static RtpSocketPair BindPair()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (RtpSocketPair.TryBind(IPAddress.Loopback, RandomRange(4, out _), out var pair))
            {
                return pair;
            }
        }

        throw new InvalidOperationException("No free loopback port pair found.");
    }

    public static Socket BindUdp()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    public static IPEndPoint EndPoint(this Socket socket) => (IPEndPoint)socket.LocalEndPoint!;

    /// <summary>Waits for a condition polled without allocating, so allocation measurements can wait too.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }

            Thread.Sleep(1);
        }

        return true;
    }
}
