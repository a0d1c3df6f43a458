using System.Net.Sockets;
using static CallControl.Media.Tests.Sip.Transport.LoopbackTransport;

namespace CallControl.Media.Tests.Sip.Transport;

public sealed class SipTransportBackPressureTests
{
    [Fact]
    public async Task DatagramsThatFindTheQueueFullGoToTheOverloadQueueAndOnlyThenAreDroppedAndCounted()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1", options => options with
        {
            InboundQueueCapacity = 2,
            OverloadQueueCapacity = 2,
        });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        for (var i = 1; i <= 5; i++)
        {
            await client.SendToAsync(Request("OPTIONS", i), loopback.Udp.EndPoint);
        }

        await EventuallyAsync(() => loopback.Transport.DroppedDatagrams == 1);
        loopback.Transport.Inbound.Count.ShouldBe(2);
        loopback.Transport.Overloaded.Count.ShouldBe(2);
        using var firstOverloaded = await NextAsync(loopback.Transport.Overloaded);
        using var secondOverloaded = await NextAsync(loopback.Transport.Overloaded);
        Text(firstOverloaded).ShouldContain("CSeq: 3 OPTIONS");
        Text(secondOverloaded).ShouldContain("CSeq: 4 OPTIONS");
        firstOverloaded.Remote.EndPoint.Port.ShouldBe(((System.Net.IPEndPoint)client.LocalEndPoint!).Port);
    }

    [Fact]
    public async Task AConnectionThatFindsBothQueuesFullWaitsForRoomInsteadOfDropping()
    {
        await using var loopback = LoopbackTransport.Start("127.0.0.1", options => options with
        {
            InboundQueueCapacity = 1,
            OverloadQueueCapacity = 1,
        });
        using var client = await loopback.ConnectAsync();

        await client.SendAsync(Enumerable.Range(1, 3).SelectMany(i => Request("OPTIONS", i)).ToArray());

        await EventuallyAsync(() => loopback.Transport.Overloaded.Count == 1);
        using var first = await NextAsync(loopback.Transport.Inbound);
        using var second = await NextAsync(loopback.Transport.Overloaded);
        using var third = await NextAsync(loopback.Transport.Inbound);
        Text(first).ShouldContain("CSeq: 1 OPTIONS");
        Text(second).ShouldContain("CSeq: 2 OPTIONS");
        Text(third).ShouldContain("CSeq: 3 OPTIONS");
        third.Connection!.IsOpen.ShouldBeTrue();
        loopback.Transport.DroppedDatagrams.ShouldBe(0);
    }
}
