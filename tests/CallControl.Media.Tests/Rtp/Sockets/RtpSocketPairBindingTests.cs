using System.Net;
using System.Net.Sockets;
using CallControl.Media.Rtp.Sockets;

namespace CallControl.Media.Tests.Rtp.Sockets;

public sealed class RtpSocketPairBindingTests
{
    [Fact]
    public void APairBindsRtpOnAnEvenPortAndRtcpOnTheOddPortAbove()
    {
        var ports = Loopback.RandomRange(4, out var low);

        RtpSocketPair.TryBind(IPAddress.Loopback, ports, out var pair).ShouldBeTrue();

        using (pair)
        {
            pair.RtpPort.ShouldBe(low);
            pair.Rtp.LocalEndPoint.ShouldBe(new IPEndPoint(IPAddress.Loopback, low));
            pair.Rtcp.LocalEndPoint.ShouldBe(new IPEndPoint(IPAddress.Loopback, low + 1));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void APairWithABusyPortIsSkippedForTheNextPair(int busyOffset)
    {
        var ports = Loopback.RandomRange(2, out var low);
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, low + busyOffset));

        RtpSocketPair.TryBind(IPAddress.Loopback, ports, out var pair).ShouldBeTrue();

        using (pair)
        {
            pair.RtpPort.ShouldBe(low + 2);
            pair.Rtcp.LocalEndPoint.Port.ShouldBe(low + 3);
        }
    }

    [Fact]
    public void BindingFailsWhenEveryPairOfTheRangeIsBusy()
    {
        var ports = Loopback.RandomRange(1, out var low);
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, low));

        RtpSocketPair.TryBind(IPAddress.Loopback, ports, out var pair).ShouldBeFalse();
        pair.ShouldBeNull();
    }
}
