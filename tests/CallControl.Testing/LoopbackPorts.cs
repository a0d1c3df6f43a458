using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CallControl.Testing;

/// <summary>
/// Hands out loopback ports for servers the tests start (SIP, HTTP, AMQP): each one free for both UDP and TCP when
/// handed out, and never the same twice in one test process.
/// </summary>
/// <remarks>
/// A port the kernel picks for a wildcard bind comes from the ephemeral range, which every outgoing TCP connection
/// (to PostgreSQL, to RabbitMQ) also draws from; between releasing the probe and the server binding it, a client
/// socket can take it. Ports are therefore drawn at random from below that range, where only listeners live.
/// </remarks>
public static class LoopbackPorts
{
    private const int Lowest = 30_000;
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> HandedOut = [];
    private static readonly (int Low, int High) Range = ChooseRange();

    /// <summary>A loopback port free for both UDP and TCP right now.</summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(Range.Low, Range.High + 1);
            lock (Gate)
            {
                if (HandedOut.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"No loopback port between {Range.Low} and {Range.High} is free for both UDP and TCP.");
    }

    private static bool IsFree(int port)
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int Low, int High) ChooseRange()
    {
        // "32768\t60999": the kernel's ephemeral range. Use what lies below it, or above it when below is too narrow.
        var (ephemeralLow, ephemeralHigh) = (32768, 60999);
        const string file = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(file))
        {
            var fields = File.ReadAllText(file).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 2
                && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
                && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high))
            {
                (ephemeralLow, ephemeralHigh) = (low, high);
            }
        }

        if (ephemeralLow - Lowest >= 1_000)
        {
            return (Lowest, ephemeralLow - 1);
        }

        return ephemeralHigh <= 64_000 ? (ephemeralHigh + 1, 65_535) : (Lowest, 65_535);
    }
}
