using CallControl.Media.Rtp.Statistics;

namespace CallControl.Media.Tests.Rtp.Statistics;

public sealed class RoundTripTimeTests
{
    [Fact]
    public void RoundTripIsArrivalLessTheEchoedReportLessThePeersHoldingTime()
    {
        // RFC 3550 §6.4.1's example: A = 0xb710:8000, LSR = 0xb705:2000, DLSR = 5.250 s.
        RoundTripTime.TryCompute(0xB7108000, 0xB7052000, 0x00054000, out var rtt).ShouldBeTrue();

        rtt.TotalMilliseconds.ShouldBe(6125, 0.01);
    }

    [Fact]
    public void RoundTripIsRightAcrossTheWrapOfThe32BitClock()
    {
        RoundTripTime.TryCompute(0x0000_4000, 0xFFFF_C000, 0, out var rtt).ShouldBeTrue();

        rtt.TotalMilliseconds.ShouldBe(500, 0.01);
    }

    [Fact]
    public void NoRoundTripBeforeThePeerHasSeenASenderReport()
    {
        RoundTripTime.TryCompute(0xB7108000, 0, 0, out _).ShouldBeFalse();
    }

    [Fact]
    public void ANegativeRoundTripIsRejected()
    {
        RoundTripTime.TryCompute(0xB7108000, 0xB7100000, 0x00010000, out _).ShouldBeFalse();
    }
}
