using CallControl.Media.Rtp.Statistics;

namespace CallControl.Media.Tests.Rtp.Statistics;

public sealed class G711QualityEstimateTests
{
    [Fact]
    public void APerfectLocalCallScoresAboutFourPointFour()
    {
        G711QualityEstimate.Mos(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(2)).ShouldBe(4.4, 0.02);
    }

    [Fact]
    public void FivePercentLossScoresWorseThanOnePercentWhichScoresWorseThanNone()
    {
        var none = G711QualityEstimate.Mos(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
        var onePercent = G711QualityEstimate.Mos(0.01, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
        var fivePercent = G711QualityEstimate.Mos(0.05, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));

        onePercent.ShouldBeLessThan(none);
        fivePercent.ShouldBeLessThan(onePercent);
        fivePercent.ShouldBe(3.9, 0.1);
    }

    [Fact]
    public void DelayPastTheKneeCostsMoreThanDelayBeforeIt()
    {
        var short100 = G711QualityEstimate.Rating(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
        var short200 = G711QualityEstimate.Rating(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
        var long500 = G711QualityEstimate.Rating(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        var long600 = G711QualityEstimate.Rating(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(600));

        (short100 - short200).ShouldBe(1.2, 0.001);
        (long500 - long600).ShouldBe(6.7, 0.001);
    }

    [Fact]
    public void JitterLowersTheScoreThroughTheJitterBufferItImplies()
    {
        var steady = G711QualityEstimate.Mos(0, TimeSpan.Zero, TimeSpan.FromMilliseconds(40));
        var jittery = G711QualityEstimate.Mos(0, TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(40));

        jittery.ShouldBeLessThan(steady);
    }

    [Theory]
    [InlineData(-10, 1.0)]
    [InlineData(0, 1.0)]
    [InlineData(50, 2.58)]
    [InlineData(93.2, 4.41)]
    [InlineData(100, 4.5)]
    [InlineData(120, 4.5)]
    public void RatingMapsToMosAsG107Says(double rating, double mos)
    {
        G711QualityEstimate.MosFromRating(rating).ShouldBe(mos, 0.01);
    }

    [Fact]
    public void TotalLossBottomsOut()
    {
        G711QualityEstimate.Mos(1, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)).ShouldBe(1);
    }

    [Fact]
    public void AStatisticsLegWithFivePercentLossEstimatesLowerThanACleanOne()
    {
        var clean = new RtpReceiverStatistics();
        var lossy = new RtpReceiverStatistics();
        for (var i = 0; i < 1000; i++)
        {
            var timestamp = (uint)(i * 160);
            clean.Update((ushort)i, timestamp, timestamp);
            if (i < 2 || i % 20 != 0)
            {
                lossy.Update((ushort)i, timestamp, timestamp);
            }
        }

        var rtt = TimeSpan.FromMilliseconds(10);
        clean.EstimateMos(8000, rtt).ShouldBe(4.4, 0.02);
        lossy.EstimateMos(8000, rtt).ShouldBeLessThan(4.0);
    }
}
