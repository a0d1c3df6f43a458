using System.Net;
using System.Net.Sockets;
using System.Text;
using CallControl.Media.Sip.Transport;
using static CallControl.Media.Tests.Sip.Transport.LoopbackTransport;

namespace CallControl.Media.Tests.Sip.Transport;

public sealed class SipTransportTcpTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task AMessageSplitAcrossManyWritesArrivesWhole(string address)
    {
        await using var loopback = LoopbackTransport.Start(address);
        using var client = await loopback.ConnectAsync();
        var request = Request("INVITE", 1, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n");

        for (var offset = 0; offset < request.Length; offset += 3)
        {
            await client.SendAsync(request.AsMemory(offset, Math.Min(3, request.Length - offset)));
            if (offset % 30 == 0)
            {
                await Task.Delay(1);
            }
        }

        using var message = await NextAsync(loopback.Transport.Inbound);
        message.Bytes.ToArray().ShouldBe(request);
        message.Remote.ShouldBe(SipEndPoint.Tcp((IPEndPoint)client.LocalEndPoint!));
        message.Local.ShouldBe(SipEndPoint.Tcp((IPEndPoint)client.RemoteEndPoint!));
        message.Connection.ShouldNotBeNull().Remote.ShouldBe(message.Remote);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task SeveralMessagesInOneWriteArriveOneByOneInOrderWithTheirBodies(string address)
    {
        await using var loopback = LoopbackTransport.Start(address);
        using var client = await loopback.ConnectAsync();
        byte[][] messages = [Request("INVITE", 1, "first body"), Request("ACK", 2), Request("INFO", 3, "Signal=5\r\nDuration=160\r\n"), Response(4)];

        await client.SendAsync(messages.SelectMany(m => m).ToArray());

        foreach (var expected in messages)
        {
            using var message = await NextAsync(loopback.Transport.Inbound);
            message.Bytes.ToArray().ShouldBe(expected);
        }
    }

    [Fact]
    public async Task KeepAlivesBetweenMessagesAreSkippedAndAPingIsAnsweredWithAPong()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");
        using var client = await loopback.ConnectAsync();

        await client.SendAsync((byte[])[.. "\r\n\r\n"u8, .. Request("OPTIONS", 1), .. "\r\n"u8, .. Request("OPTIONS", 2)]);

        (await ReceiveAsync(client, 2)).ShouldBe("\r\n"u8.ToArray());
        using var first = await NextAsync(loopback.Transport.Inbound);
        using var second = await NextAsync(loopback.Transport.Inbound);
        Text(first).ShouldContain("CSeq: 1 OPTIONS");
        Text(second).ShouldContain("CSeq: 2 OPTIONS");
        first.Bytes.Span[0].ShouldBe((byte)'O');
        second.Bytes.Span[0].ShouldBe((byte)'O');
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitClosesTheConnection()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");
        using var client = await loopback.ConnectAsync();

        await client.SendAsync(Encoding.ASCII.GetBytes("MESSAGE sip:a SIP/2.0\r\nContent-Length: 70000\r\n\r\n"));

        (await ClosedByPeerAsync(client)).ShouldBeTrue();
        await EventuallyAsync(() => loopback.Transport.ConnectionCount == 0);
        loopback.Transport.Inbound.Count.ShouldBe(0);
    }

    [Fact]
    public async Task AHeaderSectionThatNeverEndsClosesTheConnectionAtTheSizeLimit()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");
        using var client = await loopback.ConnectAsync();
        var header = Encoding.ASCII.GetBytes("X-Padding: " + new string('a', 1000) + "\r\n");

        await client.SendAsync(Encoding.ASCII.GetBytes("MESSAGE sip:a SIP/2.0\r\n"));
        var closed = ClosedByPeerAsync(client);
        try
        {
            for (var sent = 0; sent <= SipTransport.MaxMessageSize && !closed.IsCompleted; sent += header.Length)
            {
                await client.SendAsync(header);
            }
        }
        catch (SocketException)
        {
            // The transport may close while the last headers are on their way.
        }

        (await closed).ShouldBeTrue();
    }

    [Fact]
    public async Task GarbageClosesTheConnection()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");
        using var client = await loopback.ConnectAsync();

        await client.SendAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03 });

        (await ClosedByPeerAsync(client)).ShouldBeTrue();
        await EventuallyAsync(() => loopback.Transport.ConnectionCount == 0);
    }

    [Fact]
    public async Task AGoodMessageBeforeGarbageIsStillDelivered()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");
        using var client = await loopback.ConnectAsync();

        await client.SendAsync((byte[])[.. Request("OPTIONS", 1), .. "GET / HTTP/1.1\r\n\r\n"u8]);

        using var message = await NextAsync(loopback.Transport.Inbound);
        Text(message).ShouldContain("CSeq: 1 OPTIONS");
        (await ClosedByPeerAsync(client)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task AResponseGoesBackOnTheConnectionTheRequestCameIn(string address)
    {
        await using var loopback = LoopbackTransport.Start(address);
        using var client = await loopback.ConnectAsync();
        await client.SendAsync(Request("OPTIONS", 5));
        using var request = await NextAsync(loopback.Transport.Inbound);
        var response = Response(5);

        var result = await loopback.Transport.SendAsync(response, request.Remote, request.Connection);

        result.ShouldBe(SipSendResult.Sent);
        (await ReceiveAsync(client, response.Length)).ShouldBe(response);
        loopback.Transport.ConnectionCount.ShouldBe(1);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task SendsToTheSamePlaceShareOneConnectionBothWays(string address)
    {
        await using var alice = LoopbackTransport.Start(address);
        await using var bob = LoopbackTransport.Start(address);

        var sends = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => alice.Transport.SendAsync(Request("MESSAGE", i, $"hello {i}"), bob.Tcp).AsTask()));
        var received = new List<InboundSipMessage>();
        for (var i = 0; i < 8; i++)
        {
            received.Add(await NextAsync(bob.Transport.Inbound));
        }

        sends.ShouldAllBe(result => result == SipSendResult.Sent);
        received.Select(m => m.Connection!.Id).Distinct().Count().ShouldBe(1);
        alice.Transport.ConnectionCount.ShouldBe(1);
        bob.Transport.ConnectionCount.ShouldBe(1);

        (await bob.Transport.SendAsync(Response(1), received[0].Remote)).ShouldBe(SipSendResult.Sent);
        using var response = await NextAsync(alice.Transport.Inbound);
        response.Remote.ShouldBe(bob.Tcp);
        alice.Transport.ConnectionCount.ShouldBe(1);
        bob.Transport.ConnectionCount.ShouldBe(1);
        received.ForEach(m => m.Dispose());
    }

    [Fact]
    public async Task AResponseWhoseConnectionClosedOpensANewOneToTheGivenEndPoint()
    {
        await using var alice = LoopbackTransport.Start("127.0.0.1");
        await using var bob = LoopbackTransport.Start("127.0.0.1");
        (await alice.Transport.SendAsync(Request("OPTIONS", 1), bob.Tcp)).ShouldBe(SipSendResult.Sent);
        using var request = await NextAsync(bob.Transport.Inbound);
        request.Connection!.Close();
        await EventuallyAsync(() => alice.Transport.ConnectionCount == 0);

        var result = await bob.Transport.SendAsync(Response(1), alice.Tcp, request.Connection);

        result.ShouldBe(SipSendResult.Sent);
        using var response = await NextAsync(alice.Transport.Inbound);
        Text(response).ShouldStartWith("SIP/2.0 200 OK");
        response.Connection!.Id.ShouldNotBe(request.Connection.Id);
    }

    [Fact]
    public async Task ConnectingWhereNobodyListensReportsConnectFailed()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");
        using var vacant = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        vacant.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var nobody = (IPEndPoint)vacant.LocalEndPoint!;

        var result = await loopback.Transport.SendAsync(Request("OPTIONS", 1), SipEndPoint.Tcp(nobody));

        result.ShouldBe(SipSendResult.ConnectFailed);
        loopback.Transport.ConnectionCount.ShouldBe(0);
    }

    [Fact]
    public async Task ConnectionsOverTheLimitAreRefused()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1", options => options with { MaxTcpConnections = 1 });
        await using var other = LoopbackTransport.Start("127.0.0.1");
        using var first = await loopback.ConnectAsync();
        await first.SendAsync(Request("OPTIONS", 1));
        using var accepted = await NextAsync(loopback.Transport.Inbound);

        using var second = await loopback.ConnectAsync();
        var outbound = await loopback.Transport.SendAsync(Request("OPTIONS", 2), other.Tcp);

        (await ClosedByPeerAsync(second)).ShouldBeTrue();
        outbound.ShouldBe(SipSendResult.ConnectionLimitReached);
        accepted.Connection!.IsOpen.ShouldBeTrue();
        loopback.Transport.ConnectionCount.ShouldBe(1);
    }

    [Fact]
    public async Task AConnectionIdleForTheIdleTimeoutIsClosedAndActivityPostponesIt()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1", options => options with { TcpIdleTimeout = TimeSpan.FromSeconds(30) });
        using var client = await loopback.ConnectAsync();
        await client.SendAsync(Request("OPTIONS", 1));
        using var first = await NextAsync(loopback.Transport.Inbound);

        loopback.Clock.Advance(TimeSpan.FromSeconds(20));
        await client.SendAsync(Request("OPTIONS", 2));
        using var second = await NextAsync(loopback.Transport.Inbound);
        loopback.Clock.Advance(TimeSpan.FromSeconds(20));

        first.Connection!.IsOpen.ShouldBeTrue();

        loopback.Clock.Advance(TimeSpan.FromSeconds(10));

        (await ClosedByPeerAsync(client)).ShouldBeTrue();
        first.Connection.IsOpen.ShouldBeFalse();
        await EventuallyAsync(() => loopback.Transport.ConnectionCount == 0);
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitIsNotSent()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1");
        using var client = await loopback.ConnectAsync();
        await client.SendAsync(Request("OPTIONS", 1));
        using var request = await NextAsync(loopback.Transport.Inbound);

        var result = await request.Connection!.SendAsync(new byte[SipTransport.MaxMessageSize + 1]);

        result.ShouldBe(SipSendResult.MessageTooLarge);
        request.Connection.IsOpen.ShouldBeTrue();
    }
}
