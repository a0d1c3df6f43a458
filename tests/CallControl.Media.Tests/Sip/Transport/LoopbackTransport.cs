using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Tests.Sip.Transport;

/// <summary>A transport on UDP and TCP of one loopback address, on a virtual clock, and raw sockets to talk to it.</summary>
internal sealed class LoopbackTransport : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private LoopbackTransport(VirtualClock clock, TimerWheel wheel, SipTransport transport)
    {
        Clock = clock;
        Wheel = wheel;
        Transport = transport;
    }

    public VirtualClock Clock { get; }

    public TimerWheel Wheel { get; }

    public SipTransport Transport { get; }

    public SipEndPoint Udp => Transport.LocalEndPoints.Single(e => e.Kind == SipTransportKind.Udp);

    public SipEndPoint Tcp => Transport.LocalEndPoints.Single(e => e.Kind == SipTransportKind.Tcp);

    public static LoopbackTransport Start(string address, Func<SipTransportOptions, SipTransportOptions>? configure = null)
    {
        var loopback = IPAddress.Parse(address);
        var clock = new VirtualClock();
        var wheel = new TimerWheel(clock);
        var options = new SipTransportOptions
        {
            ListenOn = [SipEndPoint.Udp(new IPEndPoint(loopback, 0)), SipEndPoint.Tcp(new IPEndPoint(loopback, 0))],
        };
        return new LoopbackTransport(clock, wheel, SipTransport.Start(configure?.Invoke(options) ?? options, wheel));
    }

    public static byte[] Request(string method, int sequence, string body = "") => Encoding.UTF8.GetBytes(
        $"{method} sip:media@example.com SIP/2.0\r\n"
        + $"Via: SIP/2.0/TCP client.example.com;branch=z9hG4bK{sequence}\r\n"
        + $"Call-ID: call-{sequence}@client.example.com\r\n"
        + $"CSeq: {sequence} {method}\r\n"
        + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    public static byte[] Response(int sequence) => Encoding.UTF8.GetBytes(
        "SIP/2.0 200 OK\r\n"
        + $"Via: SIP/2.0/TCP client.example.com;branch=z9hG4bK{sequence}\r\n"
        + $"CSeq: {sequence} OPTIONS\r\nContent-Length: 0\r\n\r\n");

    public static async Task<InboundSipMessage> NextAsync(ChannelReader<InboundSipMessage> reader) =>
        await reader.ReadAsync().AsTask().WaitAsync(Patience);

    public static string Text(InboundSipMessage message) => Encoding.UTF8.GetString(message.Bytes.Span);

    public async Task<Socket> ConnectAsync()
    {
        var client = new Socket(Tcp.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(Tcp.EndPoint).WaitAsync(Patience);
        return client;
    }

    /// <summary>Reads until <paramref name="expected"/> bytes have come or the peer closes.</summary>
    public static async Task<byte[]> ReceiveAsync(Socket client, int expected)
    {
        var received = new byte[expected];
        var count = 0;
        while (count < expected)
        {
            var read = await client.ReceiveAsync(received.AsMemory(count)).AsTask().WaitAsync(Patience);
            if (read == 0)
            {
                break;
            }

            count += read;
        }

        return received[..count];
    }

    /// <summary>True once the peer has closed (end of stream or reset); anything it sends first is skipped.</summary>
    public static async Task<bool> ClosedByPeerAsync(Socket client)
    {
        var buffer = new byte[4096];
        try
        {
            while (await client.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(Patience) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not come true in time.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        Wheel.Dispose();
    }
}
