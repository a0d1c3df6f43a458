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
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly List<Arrival> _arrivals = [];
    private readonly Task _loop;

    public RtpObserver()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(ReceiveAsync);
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

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
        _loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var length = await _socket.ReceiveAsync(buffer, SocketFlags.None);
                if (!RtpHeader.TryRead(buffer.AsSpan(0, length), out var header))
                {
                    continue;
                }

                var arrival = new Arrival(DateTime.UtcNow, header.Ssrc, header.SequenceNumber, header.Timestamp, header.Marker, header.PayloadType, header.Payload.ToArray());
                lock (_arrivals)
                {
                    _arrivals.Add(arrival);
                }
            }
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            // Disposed.
        }
    }

    internal sealed record Arrival(DateTime At, uint Ssrc, ushort Sequence, uint Timestamp, bool Marker, byte PayloadType, byte[] Payload);
}
