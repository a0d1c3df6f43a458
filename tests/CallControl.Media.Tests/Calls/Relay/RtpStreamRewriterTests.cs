using CallControl.Media.Calls.Relay;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Calls.Relay;

public sealed class RtpStreamRewriterTests
{
    // One tick per microsecond keeps the elapsed-time arithmetic easy to read: 20 ms is 160 samples at 8 kHz.
    private const long Frequency = 1_000_000;
    private const uint OurSsrc = 0xCAFE0001;

    [Fact]
    public void ConsecutivePacketsFromOneSourceKeepTheirSequenceAndTimestampSpacing()
    {
        var rewriter = new RtpStreamRewriter(OurSsrc, 1000, 50_000, Frequency);

        var first = Rewrite(rewriter, ssrc: 7, sequence: 40, timestamp: 9_000, at: 0);
        var second = Rewrite(rewriter, ssrc: 7, sequence: 41, timestamp: 9_160, at: 20_000);
        var afterLoss = Rewrite(rewriter, ssrc: 7, sequence: 43, timestamp: 9_480, at: 60_000);

        (first.Ssrc, first.Sequence, first.Timestamp, first.Marker).ShouldBe((OurSsrc, (ushort)1000, 50_000u, true));
        (second.Ssrc, second.Sequence, second.Timestamp, second.Marker).ShouldBe((OurSsrc, (ushort)1001, 50_160u, false));
        (afterLoss.Sequence, afterLoss.Timestamp).ShouldBe(((ushort)1003, 50_480u));
    }

    [Fact]
    public void ANewSourceContinuesTheSequenceAndAdvancesTheTimestampByTheElapsedTimeWithTheMarkerSet()
    {
        var rewriter = new RtpStreamRewriter(OurSsrc, 65_535, uint.MaxValue - 100, Frequency);
        Rewrite(rewriter, ssrc: 7, sequence: 40, timestamp: 9_000, at: 0);
        Rewrite(rewriter, ssrc: 7, sequence: 41, timestamp: 9_160, at: 20_000);

        var switched = Rewrite(rewriter, ssrc: 8, sequence: 30_000, timestamp: 1_234_567, at: 70_000);
        var next = Rewrite(rewriter, ssrc: 8, sequence: 30_001, timestamp: 1_234_727, at: 90_000);

        (switched.Ssrc, switched.Sequence, switched.Marker).ShouldBe((OurSsrc, (ushort)1, true));
        switched.Timestamp.ShouldBe(unchecked(uint.MaxValue - 100 + 160 + 400));
        (next.Sequence, next.Timestamp, next.Marker).ShouldBe(((ushort)2, unchecked(switched.Timestamp + 160), false));
        rewriter.Reanchors.ShouldBe(2);
    }

    [Theory]
    [InlineData(41 + 500, 9_160)]
    [InlineData(41, 9_160 + 800_000)]
    public void AJumpWithinOneSourceIsTreatedAsANewSource(int sequence, uint timestamp)
    {
        var rewriter = new RtpStreamRewriter(OurSsrc, 1000, 50_000, Frequency);
        Rewrite(rewriter, ssrc: 7, sequence: 40, timestamp: 9_000, at: 0);

        var jumped = Rewrite(rewriter, ssrc: 7, sequence: (ushort)sequence, timestamp: timestamp, at: 20_000);

        (jumped.Sequence, jumped.Timestamp, jumped.Marker).ShouldBe(((ushort)1001, 50_160u, true));
    }

    [Fact]
    public void AReanchorRequestMarksTheNextPacketEvenFromTheSameSource()
    {
        var rewriter = new RtpStreamRewriter(OurSsrc, 1000, 50_000, Frequency);
        Rewrite(rewriter, ssrc: 7, sequence: 40, timestamp: 9_000, at: 0);

        rewriter.Reanchor();
        var next = Rewrite(rewriter, ssrc: 7, sequence: 41, timestamp: 9_160, at: 20_000);

        (next.Sequence, next.Timestamp, next.Marker).ShouldBe(((ushort)1001, 50_160u, true));
    }

    [Fact]
    public void AnInvalidPacketIsRefusedAndLeftUntouched()
    {
        var rewriter = new RtpStreamRewriter(OurSsrc, 1000, 50_000, Frequency);
        byte[] garbage = [0x40, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        var copy = garbage.ToArray();

        rewriter.TryRewrite(garbage, 0).ShouldBeFalse();

        garbage.ShouldBe(copy);
    }

    private static (uint Ssrc, ushort Sequence, uint Timestamp, bool Marker) Rewrite(RtpStreamRewriter rewriter, uint ssrc, ushort sequence, uint timestamp, long at)
    {
        var packet = new byte[172];
        var payload = new byte[160];
        payload.AsSpan().Fill(0x55);
        RtpPacketWriter.Write(packet, false, 0, sequence, timestamp, ssrc, payload);

        rewriter.TryRewrite(packet, at).ShouldBeTrue();

        RtpHeader.TryRead(packet, out var header).ShouldBeTrue();
        header.Payload.ToArray().ShouldBe(payload);
        header.PayloadType.ShouldBe((byte)0);
        return (header.Ssrc, header.SequenceNumber, header.Timestamp, header.Marker);
    }
}
