using CallControl.Media.Calls.Engine;
using CallControl.Media.Rtp;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Calls.Engine;

public sealed class QualityTests
{
    private static int _nextRange;

    [Fact]
    public async Task LossInjectedOnTheWayInIsMeasuredAndReportedOverRtcpAndAtTheLegsEnd()
    {
        // Four port pairs behind a relay that drops every 20th RTP packet: 5 % loss.
        var low = 58000 + (8 * (Interlocked.Increment(ref _nextRange) % 100));
        using var relay = new LossyRelay(low, low + 7, dropEvery: 20);
        await using var scene = new CallScene(options => options with
        {
            MediaPorts = new RtpPortRange(low, low + 7),
            AdvertisedMediaAddress = LossyRelay.Address,
        });
        var caller = await scene.CallerAsync(1000);
        await scene.AnswerAsync(caller);

        // The first report goes out 5 s after the leg started; wait for one that covers the stream.
        await Task.Delay(TimeSpan.FromSeconds(11));
        var blocks = caller.Observer.Reports.SelectMany(ReportBlocks).ToList();
        blocks.ShouldNotBeEmpty("the engine reports reception over RTCP");
        var last = blocks[^1];
        (last.FractionLost / 256.0).ShouldBeInRange(0.03, 0.07);
        last.CumulativeLost.ShouldBeGreaterThan(0);

        var quality = (await scene.Media.GetQualityAsync(caller.LegId)).ShouldNotBeNull();
        quality.LossPercent.ShouldBeInRange(4.0, 6.0);
        quality.Mos.ShouldBeLessThan(4.4, "loss lowers the estimate");
        relay.Dropped.ShouldBeGreaterThan(20);

        scene.Media.HangUp(caller.LegId);
        var end = await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == caller.LegId);
        end.Quality.ShouldNotBeNull().LossPercent.ShouldBeInRange(4.0, 6.0);
        await scene.ShouldAllHaveSucceededAsync();
    }

    private static List<RtcpReportBlock> ReportBlocks(byte[] compound)
    {
        var blocks = new List<RtcpReportBlock>();
        var reader = new RtcpCompoundReader(compound);
        while (reader.TryReadNext(out var packet))
        {
            if (RtcpSenderReport.TryRead(packet, out var sender))
            {
                for (var index = 0; index < sender.ReportCount; index++)
                {
                    blocks.Add(sender.GetReportBlock(index));
                }
            }
            else if (RtcpReceiverReport.TryRead(packet, out var receiver))
            {
                for (var index = 0; index < receiver.ReportCount; index++)
                {
                    blocks.Add(receiver.GetReportBlock(index));
                }
            }
        }

        return blocks;
    }
}
