using CallControl.Media.Rtp;

namespace CallControl.Media.Tests.Rtp;

public sealed class RtpPortRangeTests
{
    [Fact]
    public void PortsAreEvenComeInTurnAndWrapAroundTheRange()
    {
        var range = new RtpPortRange(20000, 20007);

        var ports = Enumerable.Range(0, 6).Select(_ => range.Next()).ToList();

        range.Pairs.ShouldBe(4);
        ports.ShouldBe([20000, 20002, 20004, 20006, 20000, 20002]);
    }

    [Theory]
    [InlineData(20001, 20010)]
    [InlineData(80, 90)]
    [InlineData(20000, 20000)]
    [InlineData(65534, 65536)]
    public void ARangeWithoutWholeEvenPairsIsRefused(int low, int high) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new RtpPortRange(low, high));
}
