using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CallControl.Media.Rtp.Packets;
using CallControl.Media.Tests.Rtp.Sockets;

namespace CallControl.Media.Tests.Calls.Relay;

/// <summary>A plain UDP socket standing in for a phone: it sends RTP to its leg and records what comes back.</summary>
internal sealed class Phone : IDisposable
{
    private readonly Socket _socket = Loopback.BindUdp();
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly SocketAddress _leg;
    private readonly byte[] _packet = new byte[172];
    private readonly Thread _receiver;
    private int _count;

    public Phone(IPEndPoint leg)
    {
        // Serialised once: sending to an IPEndPoint would allocate its SocketAddress on every packet.
        _leg = leg.Serialize();
        _receiver = new Thread(Receive) { IsBackground = true };
        _receiver.Start();
    }

    public IPEndPoint EndPoint => _socket.EndPoint();

    public int Count => Volatile.Read(ref _count);

    /// <summary>When false, only the count is kept, so that an allocation measurement sees nothing of the phone.</summary>
    public bool Keeps { get; set; } = true;

    public IReadOnlyList<byte[]> Received => [.. _received];

    /// <summary>Sends a 20 ms G.711 packet whose payload is filled with a byte derived from the sequence number.</summary>
    public void Send(uint ssrc, ushort sequence, uint timestamp) => SendRaw(Packet(ssrc, sequence, timestamp));

    public void SendRaw(ReadOnlySpan<byte> datagram) => _socket.SendTo(datagram, SocketFlags.None, _leg);

    public static byte PayloadByte(ushort sequence) => (byte)(sequence * 7);

    public void Dispose() => _socket.Dispose();

    private ReadOnlySpan<byte> Packet(uint ssrc, ushort sequence, uint timestamp)
    {
        RtpPacketWriter.Write(_packet, false, 0, sequence, timestamp, ssrc, ReadOnlySpan<byte>.Empty);
        _packet.AsSpan(RtpHeader.FixedLength).Fill(PayloadByte(sequence));
        // The original sequence number travels in the payload so the far end can check it came through intact.
        _packet[RtpHeader.FixedLength] = (byte)(sequence >> 8);
        _packet[RtpHeader.FixedLength + 1] = (byte)sequence;
        return _packet;
    }

    private void Receive()
    {
        var buffer = new byte[2048];
        while (true)
        {
            int length;
            try
            {
                length = _socket.Receive(buffer);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.TimedOut)
            {
                continue;
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                return;
            }

            if (Keeps)
            {
                _received.Enqueue(buffer[..length]);
            }

            Interlocked.Increment(ref _count);
        }
    }
}
