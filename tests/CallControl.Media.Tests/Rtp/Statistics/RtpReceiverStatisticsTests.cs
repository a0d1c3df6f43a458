using CallControl.Media.Rtp.Packets;
using CallControl.Media.Rtp.Statistics;

namespace CallControl.Media.Tests.Rtp.Statistics;

public sealed class RtpReceiverStatisticsTests
{
    private const uint SamplesPerPacket = 160;

    [Fact]
    public void ANewSourceIsOnProbationUntilTwoPacketsArriveInSequence()
    {
        var statistics = new RtpReceiverStatistics();

        Feed(statistics, 100).ShouldBe(RtpSequenceOutcome.Probation);
        Feed(statistics, 200).ShouldBe(RtpSequenceOutcome.Probation);
        Feed(statistics, 201).ShouldBe(RtpSequenceOutcome.Accepted);
        Feed(statistics, 202).ShouldBe(RtpSequenceOutcome.Accepted);

        statistics.Received.ShouldBe(2u);
        statistics.Expected.ShouldBe(2);
        statistics.ExtendedHighestSequence.ShouldBe(202u);
    }

    [Fact]
    public void AnInOrderStreamLosesNothing()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 500; i++)
        {
            Feed(statistics, (ushort)(1000 + i));
        }

        statistics.Received.ShouldBe(499u);
        statistics.Expected.ShouldBe(499);
        statistics.CumulativeLost.ShouldBe(0);
        statistics.TakeFractionLost().ShouldBe((byte)0);
        statistics.ExtendedHighestSequence.ShouldBe(1499u);
    }

    [Fact]
    public void DroppingEveryTwentiethPacketReportsFivePercentLoss()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 2002; i++)
        {
            if (i > 2 && i % 20 == 0)
            {
                continue;
            }

            Feed(statistics, (ushort)i);
        }

        statistics.CumulativeLost.ShouldBe(100);
        statistics.LossRatio.ShouldBe(0.05, 0.001);
        statistics.TakeFractionLost().ShouldBe((byte)12);
    }

    [Fact]
    public void FractionLostCoversOnlyTheIntervalSinceThePreviousReport()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 100; i++)
        {
            if (i is 50 or 51)
            {
                continue;
            }

            Feed(statistics, (ushort)i);
        }

        statistics.TakeFractionLost().ShouldBe((byte)(2 * 256 / 99));
        for (var i = 100; i < 200; i++)
        {
            Feed(statistics, (ushort)i);
        }

        statistics.TakeFractionLost().ShouldBe((byte)0);
        statistics.CumulativeLost.ShouldBe(2);
    }

    [Fact]
    public void ReorderedPacketsAreNeitherLostNorMoveTheHighestSequenceBack()
    {
        var statistics = new RtpReceiverStatistics();
        Feed(statistics, 0);
        foreach (var sequence in new ushort[] { 1, 2, 3, 5, 4, 6, 8, 7, 9 })
        {
            Feed(statistics, sequence).ShouldBe(RtpSequenceOutcome.Accepted, $"sequence {sequence}");
        }

        statistics.ExtendedHighestSequence.ShouldBe(9u);
        statistics.CumulativeLost.ShouldBe(0);
        statistics.TakeFractionLost().ShouldBe((byte)0);
    }

    [Fact]
    public void DuplicatesCountAsReceivedSoCumulativeLossGoesNegativeAndFractionStaysZero()
    {
        var statistics = new RtpReceiverStatistics();
        foreach (var sequence in new ushort[] { 1, 2, 3, 4, 4, 5, 5, 6 })
        {
            Feed(statistics, sequence);
        }

        statistics.CumulativeLost.ShouldBe(-2);
        statistics.TakeFractionLost().ShouldBe((byte)0);
        statistics.LossRatio.ShouldBe(0);
    }

    [Fact]
    public void TheExtendedSequenceCountsACycleWhenTheSequenceWrapsPast65535()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 20; i++)
        {
            Feed(statistics, (ushort)(65530 + i));
        }

        statistics.ExtendedHighestSequence.ShouldBe(65536u + 13);
        statistics.Expected.ShouldBe(19);
        statistics.CumulativeLost.ShouldBe(0);
    }

    [Fact]
    public void AReorderedPacketFromBeforeTheWrapDoesNotCountAnotherCycle()
    {
        var statistics = new RtpReceiverStatistics();
        foreach (var sequence in new ushort[] { 65533, 65534, 0, 65535, 1, 2 })
        {
            Feed(statistics, sequence);
        }

        statistics.ExtendedHighestSequence.ShouldBe(65536u + 2);
        statistics.CumulativeLost.ShouldBe(0);
    }

    [Fact]
    public void ASingleBigJumpIsDiscardedAndTwoInSequenceResyncTheSource()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 50; i++)
        {
            Feed(statistics, (ushort)i);
        }

        Feed(statistics, 30000).ShouldBe(RtpSequenceOutcome.Discarded);
        Feed(statistics, 50).ShouldBe(RtpSequenceOutcome.Accepted);
        statistics.ExtendedHighestSequence.ShouldBe(50u);

        Feed(statistics, 40000).ShouldBe(RtpSequenceOutcome.Discarded);
        Feed(statistics, 40001).ShouldBe(RtpSequenceOutcome.Accepted);
        Feed(statistics, 40002).ShouldBe(RtpSequenceOutcome.Accepted);

        statistics.ExtendedHighestSequence.ShouldBe(40002u);
        statistics.Received.ShouldBe(2u);
        statistics.CumulativeLost.ShouldBe(0);
    }

    [Fact]
    public void AGapWithinTheDropoutLimitIsCountedAsLoss()
    {
        var statistics = new RtpReceiverStatistics();
        Feed(statistics, 1);
        Feed(statistics, 2);
        Feed(statistics, 1002).ShouldBe(RtpSequenceOutcome.Accepted);

        statistics.CumulativeLost.ShouldBe(999);
    }

    [Fact]
    public void AConstantDelayStreamHasNoJitter()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 200; i++)
        {
            var timestamp = (uint)(i * SamplesPerPacket);
            statistics.Update((ushort)i, timestamp, timestamp + 12345);
        }

        statistics.Jitter.ShouldBe(0u);
    }

    [Fact]
    public void JitterConvergesOnTheTransitDifferenceOfAnAlternatingDelay()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 500; i++)
        {
            var timestamp = (uint)(i * SamplesPerPacket);
            statistics.Update((ushort)i, timestamp, timestamp + (i % 2 == 0 ? 0u : 80u));
        }

        statistics.Jitter.ShouldBeInRange(76u, 80u);
    }

    [Fact]
    public void JitterGrowsWithTheVariationOfTheDelay()
    {
        var random = new Random(7);
        uint JitterFor(int maxDelay)
        {
            var statistics = new RtpReceiverStatistics();
            for (var i = 0; i < 1000; i++)
            {
                var timestamp = (uint)(i * SamplesPerPacket);
                statistics.Update((ushort)i, timestamp, timestamp + (uint)random.Next(maxDelay));
            }

            return statistics.Jitter;
        }

        var small = JitterFor(40);
        var large = JitterFor(400);

        small.ShouldBeGreaterThan(0u);
        large.ShouldBeGreaterThan(small * 5);
    }

    [Fact]
    public void JitterSurvivesTheRtpTimestampWrapping()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 100; i++)
        {
            var timestamp = uint.MaxValue - 5000 + (uint)(i * SamplesPerPacket);
            statistics.Update((ushort)i, timestamp, timestamp + 7);
        }

        statistics.Jitter.ShouldBe(0u);
    }

    [Fact]
    public void AReportBlockEchoesTheLastSenderReportWithTheDelaySinceIt()
    {
        var statistics = new RtpReceiverStatistics();
        for (var i = 0; i < 20; i++)
        {
            Feed(statistics, (ushort)i);
        }

        var senderReport = new NtpTimestamp(0x0001_2345_6789_0000);
        statistics.RecordSenderReport(senderReport, TimeSpan.FromSeconds(10));

        var block = statistics.CreateReportBlock(0xCAFE, TimeSpan.FromSeconds(10.5));

        block.Ssrc.ShouldBe(0xCAFEu);
        block.LastSenderReport.ShouldBe(0x2345_6789u);
        block.DelaySinceLastSenderReport.ShouldBe(32768u);
        block.ExtendedHighestSequence.ShouldBe(19u);
        block.CumulativeLost.ShouldBe(0);
    }

    [Fact]
    public void AReportBlockBeforeAnySenderReportLeavesLastSenderReportAndDelayZero()
    {
        var statistics = new RtpReceiverStatistics();
        Feed(statistics, 1);
        Feed(statistics, 2);

        var block = statistics.CreateReportBlock(1, TimeSpan.FromSeconds(3));

        block.LastSenderReport.ShouldBe(0u);
        block.DelaySinceLastSenderReport.ShouldBe(0u);
    }

    [Fact]
    public void UpdatingAllocatesNothing()
    {
        var statistics = new RtpReceiverStatistics();
        Feed(statistics, 0);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < 10_000; i++)
        {
            Feed(statistics, (ushort)i);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        statistics.Received.ShouldBe(9999u);
    }

    private static RtpSequenceOutcome Feed(RtpReceiverStatistics statistics, ushort sequence)
    {
        var timestamp = sequence * SamplesPerPacket;
        return statistics.Update(sequence, timestamp, timestamp + 1000);
    }
}
