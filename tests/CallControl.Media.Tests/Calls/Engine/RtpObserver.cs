using System.Net;
using System.Net.Sockets;
using CallControl.Media.Rtp.Codecs;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Calls.Engine;

/// <summary>
/// Where a SIPp peer's SDP tells the engine to send media: a loopback UDP socket that keeps every RTP packet
/// with its arrival time, so a test can count what reached that far end and listen to it.
/// </summary>
internal sealed class RtpObserver : IDisposable
{
    private static int _nextPort = 46000;

    private readonly Socket _socket;
    private readonly Socket _rtcp;
    private readonly List<Arrival> _arrivals = [];
    private readonly List<byte[]> _reports = [];
    private readonly Task _loop;
    private readonly Task _rtcpLoop;

    /// <summary>Binds an RTP port and the RTCP port above it, as a phone would.</summary>
    public RtpObserver()
    {
        while (true)
        {
            var port = Interlocked.Add(ref _nextPort, 2);
            if (port > 49990)
            {
                Interlocked.Exchange(ref _nextPort, 46000);
                continue;
            }

            if (TryBind(port, out var rtp))
            {
                if (TryBind(port + 1, out var rtcp))
                {
                    _socket = rtp;
                    _rtcp = rtcp;
                    break;
                }

                rtp.Dispose();
            }
        }

        _loop = Task.Run(() => ReceiveAsync(_socket, KeepRtp));
        _rtcpLoop = Task.Run(() => ReceiveAsync(_rtcp, KeepReport));
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>The RTCP compound packets that arrived, in order.</summary>
    public IReadOnlyList<byte[]> Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_arrivals)
            {
                return _arrivals.Count;
            }
        }
    }

    /// <summary>Packets that arrived from now on, once the returned function is called.</summary>
    public Func<IReadOnlyList<Arrival>> Mark()
    {
        var from = Count;
        return () =>
        {
            lock (_arrivals)
            {
                return _arrivals.Skip(from).ToList();
            }
        };
    }

    public IReadOnlyList<Arrival> All
    {
        get
        {
            lock (_arrivals)
            {
                return [.. _arrivals];
            }
        }
    }

    /// <summary>The μ-law audio of <paramref name="arrivals"/> (other payload types left out), decoded.</summary>
    public static short[] Audio(IEnumerable<Arrival> arrivals)
    {
        var samples = new List<short>();
        foreach (var arrival in arrivals.Where(a => a.PayloadType == 0))
        {
            var decoded = new short[arrival.Payload.Length];
            G711.DecodeMuLaw(arrival.Payload, decoded);
            samples.AddRange(decoded);
        }

        return [.. samples];
    }

    public void Dispose()
    {
        _socket.Dispose();
        _rtcp.Dispose();
        Task.WaitAll([_loop, _rtcpLoop], TimeSpan.FromSeconds(5));
    }

    private static bool TryBind(int port, out Socket socket)
    {
        socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return false;
        }
    }

    private static async Task ReceiveAsync(Socket socket, Action<byte[], int> keep)
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                keep(buffer, await socket.ReceiveAsync(buffer, SocketFlags.None));
            }
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }

    private void KeepRtp(byte[] buffer, int length)
    {
        if (!RtpHeader.TryRead(buffer.AsSpan(0, length), out var header))
        {
            return;
        }

        var arrival = new Arrival(DateTime.UtcNow, header.Ssrc, header.SequenceNumber, header.Timestamp, header.Marker, header.PayloadType, header.Payload.ToArray());
        lock (_arrivals)
        {
            _arrivals.Add(arrival);
        }
    }

    private void KeepReport(byte[] buffer, int length)
    {
        lock (_reports)
        {
            _reports.Add(buffer.AsSpan(0, length).ToArray());
        }
    }

    internal sealed record Arrival(DateTime At, uint Ssrc, ushort Sequence, uint Timestamp, bool Marker, byte PayloadType, byte[] Payload);
}
