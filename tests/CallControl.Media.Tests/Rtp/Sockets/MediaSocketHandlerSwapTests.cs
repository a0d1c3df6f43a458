using CallControl.Media.Rtp.Sockets;

namespace CallControl.Media.Tests.Rtp.Sockets;

public sealed class MediaSocketHandlerSwapTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void DatagramsGoToTheNewHandlerAfterItIsSet()
    {
        using var sender = Loopback.BindPair();
        using var receiver = Loopback.BindPair();
        var first = new CollectingHandler();
        var second = new CollectingHandler();
        receiver.Rtp.StartReceiving(first);
        sender.Rtp.SetRemote(receiver.Rtp.LocalEndPoint, SymmetricRtp.Off);

        sender.Rtp.Send([1]).ShouldBeTrue();
        Loopback.WaitUntil(() => first.Count == 1, Patience).ShouldBeTrue();
        receiver.Rtp.SetHandler(second);
        sender.Rtp.Send([2]).ShouldBeTrue();
        Loopback.WaitUntil(() => second.Count == 1, Patience).ShouldBeTrue();

        first.Received.Single().Bytes.ShouldBe(new byte[] { 1 });
        second.Received.Single().Bytes.ShouldBe(new byte[] { 2 });
    }

    [Fact]
    public void DatagramsWithNoHandlerAreCountedAndDroppedUntilOneIsSetAgain()
    {
        using var sender = Loopback.BindPair();
        using var receiver = Loopback.BindPair();
        var handler = new CollectingHandler();
        receiver.Rtp.StartReceiving(handler);
        sender.Rtp.SetRemote(receiver.Rtp.LocalEndPoint, SymmetricRtp.Off);

        receiver.Rtp.SetHandler(null);
        sender.Rtp.Send([1]).ShouldBeTrue();
        sender.Rtp.Send([2]).ShouldBeTrue();
        Loopback.WaitUntil(() => receiver.Rtp.UnhandledDatagrams == 2, Patience).ShouldBeTrue();
        receiver.Rtp.SetHandler(handler);
        sender.Rtp.Send([3]).ShouldBeTrue();
        Loopback.WaitUntil(() => handler.Count == 1, Patience).ShouldBeTrue();

        handler.Received.Single().Bytes.ShouldBe(new byte[] { 3 });
        receiver.Rtp.UnhandledDatagrams.ShouldBe(2);
    }
}
