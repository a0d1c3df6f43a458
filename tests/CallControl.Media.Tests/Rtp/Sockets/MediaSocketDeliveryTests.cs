using CallControl.Media.Rtp.Sockets;

namespace CallControl.Media.Tests.Rtp.Sockets;

public sealed class MediaSocketDeliveryTests
{
    [Fact]
    public void AThousandPacketsSentBetweenTwoPairsAllArriveWithTheirPayloads()
    {
        using var sender = Loopback.BindPair();
        using var receiver = Loopback.BindPair();
        var handler = new CollectingHandler();
        receiver.Rtp.StartReceiving(handler);
        sender.Rtp.SetRemote(receiver.Rtp.LocalEndPoint, SymmetricRtp.Off);
        var packet = new byte[172];

        for (var n = 0; n < 1000; n++)
        {
            BitConverter.TryWriteBytes(packet, n).ShouldBeTrue();
            packet.AsSpan(4).Fill((byte)n);
            sender.Rtp.Send(packet).ShouldBeTrue();
            if (n % 50 == 49)
            {
                // Paced like a burst of calls rather than a flood, so the kernel buffer never overflows.
                Loopback.WaitUntil(() => handler.Count > n, TimeSpan.FromSeconds(10)).ShouldBeTrue();
            }
        }

        var received = handler.Received;
        received.Count.ShouldBe(1000);
        received.Select(r => BitConverter.ToInt32(r.Bytes)).Order().ShouldBe(Enumerable.Range(0, 1000));
        received.ShouldAllBe(r => r.Bytes.Length == 172 && r.Bytes[171] == (byte)BitConverter.ToInt32(r.Bytes));
        received.ShouldAllBe(r => r.Source.Equals(sender.Rtp.LocalEndPoint));
    }

    [Fact]
    public void SendingWithoutARemoteReportsFailureInsteadOfThrowing()
    {
        using var pair = Loopback.BindPair();

        pair.Rtp.Send([1, 2, 3]).ShouldBeFalse();
    }
}
