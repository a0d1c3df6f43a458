using System.Net;
using System.Net.Sockets;
using System.Text;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transport;
using static CallControl.Media.Tests.Sip.Transport.LoopbackTransport;

namespace CallControl.Media.Tests.Sip.Transport;

public sealed class SipTransportUdpTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task ADatagramArrivesAsOneMessageWithTheSenderAsSeenAndTheLocalEndPoint(string address)
    {
        await using var loopback = LoopbackTransport.Start(address);
        using var client = new Socket(AddressFamily(address), SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        var request = Request("OPTIONS", 1, "v=0\r\n");

        await client.SendToAsync(request, loopback.Udp.EndPoint);
        using var message = await NextAsync(loopback.Transport.Inbound);

        message.Bytes.ToArray().ShouldBe(request);
        message.Remote.ShouldBe(SipEndPoint.Udp((IPEndPoint)client.LocalEndPoint!));
        message.Local.ShouldBe(loopback.Udp);
        message.Connection.ShouldBeNull();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task ADatagramIsSentFromTheListeningPort(string address)
    {
        await using var loopback = LoopbackTransport.Start(address);
        using var peer = new Socket(AddressFamily(address), SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        var response = Response(7);

        var result = await loopback.Transport.SendAsync(response, SipEndPoint.Udp((IPEndPoint)peer.LocalEndPoint!));
        var buffer = new byte[2048];
        var received = await peer.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Parse(address), 0)).WaitAsync(Patience);

        result.ShouldBe(SipSendResult.Sent);
        buffer[..received.ReceivedBytes].ShouldBe(response);
        received.RemoteEndPoint.ShouldBe(loopback.Udp.EndPoint);
    }

    [Fact]
    public async Task KeepAliveDatagramsAreNotDelivered()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");
        using var client = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        await client.SendToAsync("\r\n\r\n"u8.ToArray(), loopback.Udp.EndPoint);
        await client.SendToAsync("\r\n"u8.ToArray(), loopback.Udp.EndPoint);
        await client.SendToAsync(Request("OPTIONS", 2), loopback.Udp.EndPoint);
        using var message = await NextAsync(loopback.Transport.Inbound);

        Text(message).ShouldStartWith("OPTIONS ");
        loopback.Transport.DroppedDatagrams.ShouldBe(0);
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitIsNotSent()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");

        var result = await loopback.Transport.SendAsync(new byte[SipTransport.MaxMessageSize + 1], loopback.Udp);

        result.ShouldBe(SipSendResult.MessageTooLarge);
    }

    [Fact]
    public async Task SendingToAnAddressFamilyWithNoSocketReportsNoTransport()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");

        var result = await loopback.Transport.SendAsync(Response(1), SipEndPoint.Udp(new IPEndPoint(IPAddress.IPv6Loopback, 5060)));

        result.ShouldBe(SipSendResult.NoTransport);
    }

    [Fact]
    public async Task StoppingTheTransportCompletesItsQueuesAfterWhatIsAlreadyQueued()
    {
        var loopback = LoopbackTransport.Start("127.0.0.1");
        using var client = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await client.SendToAsync(Request("OPTIONS", 3), loopback.Udp.EndPoint);
        await EventuallyAsync(() => loopback.Transport.Inbound.Count == 1);

        await loopback.DisposeAsync();

        using var queued = await NextAsync(loopback.Transport.Inbound);
        Encoding.UTF8.GetString(queued.Bytes.Span).ShouldContain("CSeq: 3 OPTIONS");
        await loopback.Transport.Inbound.Completion.WaitAsync(Patience);
        await loopback.Transport.Overloaded.Completion.WaitAsync(Patience);
    }

    [Fact]
    public void AnAddressInUseStopsTheStartAndReleasesWhatWasAlreadyBound()
    {
        using var busy = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        busy.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int freePort;
        using (var probe = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            freePort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        using var wheel = new TimerWheel(new VirtualClock());
        var options = new SipTransportOptions
        {
            ListenOn = [SipEndPoint.Udp(new IPEndPoint(IPAddress.Loopback, freePort)), SipEndPoint.Udp((IPEndPoint)busy.LocalEndPoint!)],
        };

        Should.Throw<SocketException>(() => SipTransport.Start(options, wheel)).SocketErrorCode.ShouldBe(SocketError.AddressAlreadyInUse);
        using var rebound = new Socket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rebound.Bind(new IPEndPoint(IPAddress.Loopback, freePort));
    }

    private static AddressFamily AddressFamily(string address) => IPAddress.Parse(address).AddressFamily;
}
