using System.Text;
using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Rtp.Packets;

public sealed class RtcpPacketTests
{
    private static readonly RtcpReportBlock _block = new(
        Ssrc: 0x11223344,
        FractionLost: 12,
        CumulativeLost: 100,
        ExtendedHighestSequence: 0x0001_0005,
        Jitter: 37,
        LastSenderReport: 0xB7052000,
        DelaySinceLastSenderReport: 0x00054000);

    private static readonly RtcpSenderInfo _senderInfo = new(new NtpTimestamp(0xE5A1_0000_8000_0000), 160_000, 1000, 160_000);

    [Fact]
    public void ASenderReportWithReportBlocksRoundTrips()
    {
        var buffer = new byte[256];
        var second = _block with { Ssrc = 5, CumulativeLost = -3, FractionLost = 0 };
        var written = RtcpWriter.WriteSenderReport(buffer, 0xABCDEF01, _senderInfo, [_block, second]);

        written.ShouldBe(28 + 48);
        RtcpPacket.TryRead(buffer.AsSpan(0, written), out var packet, out var length).ShouldBeTrue();
        length.ShouldBe(written);
        packet.Type.ShouldBe(RtcpPacketType.SenderReport);
        RtcpSenderReport.TryRead(packet, out var report).ShouldBeTrue();
        report.Ssrc.ShouldBe(0xABCDEF01u);
        report.SenderInfo.ShouldBe(_senderInfo);
        report.ReportCount.ShouldBe(2);
        report.GetReportBlock(0).ShouldBe(_block);
        report.GetReportBlock(1).ShouldBe(second);
    }

    [Fact]
    public void AReceiverReportRoundTrips()
    {
        var buffer = new byte[256];
        var written = RtcpWriter.WriteReceiverReport(buffer, 42, [_block]);

        written.ShouldBe(32);
        RtcpPacket.TryRead(buffer.AsSpan(0, written), out var packet, out _).ShouldBeTrue();
        RtcpReceiverReport.TryRead(packet, out var report).ShouldBeTrue();
        report.Ssrc.ShouldBe(42u);
        report.ReportCount.ShouldBe(1);
        report.GetReportBlock(0).ShouldBe(_block);
        RtcpSenderReport.TryRead(packet, out _).ShouldBeFalse();
    }

    [Fact]
    public void AnEmptyReceiverReportIsEightOctets()
    {
        var buffer = new byte[64];

        RtcpWriter.WriteReceiverReport(buffer, 42, []).ShouldBe(8);
        buffer[..8].ShouldBe(new byte[] { 0x80, 201, 0, 1, 0, 0, 0, 42 });
    }

    [Theory]
    [InlineData(0x7FFFFF)]
    [InlineData(-0x800000)]
    [InlineData(-1)]
    [InlineData(0)]
    public void CumulativeLossKeepsItsSignInTwentyFourBits(int cumulativeLost)
    {
        var buffer = new byte[64];
        var written = RtcpWriter.WriteReceiverReport(buffer, 1, [_block with { CumulativeLost = cumulativeLost }]);

        RtcpPacket.TryRead(buffer.AsSpan(0, written), out var packet, out _).ShouldBeTrue();
        RtcpReceiverReport.TryRead(packet, out var report).ShouldBeTrue();
        report.GetReportBlock(0).CumulativeLost.ShouldBe(cumulativeLost);
        report.GetReportBlock(0).FractionLost.ShouldBe(_block.FractionLost);
    }

    [Fact]
    public void CumulativeLossBeyondTwentyFourBitsIsClampedNotWrapped()
    {
        var buffer = new byte[64];
        var written = RtcpWriter.WriteReceiverReport(buffer, 1, [_block with { CumulativeLost = 20_000_000 }]);

        RtcpPacket.TryRead(buffer.AsSpan(0, written), out var packet, out _).ShouldBeTrue();
        RtcpReceiverReport.TryRead(packet, out var report).ShouldBeTrue();
        report.GetReportBlock(0).CumulativeLost.ShouldBe(0x7FFFFF);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("agent-7@callcontrol.example")]
    public void ASourceDescriptionCarriesTheCanonicalNamePaddedToAWord(string cname)
    {
        var buffer = new byte[512];
        var written = RtcpWriter.WriteSourceDescription(buffer, 0x0A0B0C0D, cname);

        (written % 4).ShouldBe(0);
        RtcpPacket.TryRead(buffer.AsSpan(0, written), out var packet, out var length).ShouldBeTrue();
        length.ShouldBe(written);
        RtcpSourceDescription.TryRead(packet, out var description).ShouldBeTrue();
        description.ChunkCount.ShouldBe(1);
        description.TryGetCanonicalName(out var ssrc, out var name).ShouldBeTrue();
        ssrc.ShouldBe(0x0A0B0C0Du);
        Encoding.UTF8.GetString(name).ShouldBe(cname);
    }

    [Fact]
    public void TheCanonicalNameIsFoundAfterOtherItemsAndChunks()
    {
        byte[] packet =
        [
            0x82, 202, 0, 6,
            0, 0, 0, 1, 6, 2, (byte)'h', (byte)'i', 0, 0, 0, 0,
            0, 0, 0, 2, 2, 1, (byte)'x', 1, 2, (byte)'c', (byte)'n', 0,
        ];

        RtcpPacket.TryRead(packet, out var rtcp, out _).ShouldBeTrue();
        RtcpSourceDescription.TryRead(rtcp, out var description).ShouldBeTrue();
        description.TryGetCanonicalName(out var ssrc, out var name).ShouldBeTrue();
        ssrc.ShouldBe(2u);
        Encoding.ASCII.GetString(name).ShouldBe("cn");
    }

    [Theory]
    [InlineData(new uint[] { 7 }, "")]
    [InlineData(new uint[] { 7, 8, 9 }, "")]
    [InlineData(new uint[] { 7 }, "agent hung up")]
    [InlineData(new uint[] { 7, 8 }, "bye")]
    public void AGoodbyeRoundTripsWithItsSourcesAndReason(uint[] sources, string reason)
    {
        var buffer = new byte[512];
        var written = RtcpWriter.WriteGoodbye(buffer, sources, Encoding.UTF8.GetBytes(reason));

        (written % 4).ShouldBe(0);
        RtcpPacket.TryRead(buffer.AsSpan(0, written), out var packet, out _).ShouldBeTrue();
        RtcpGoodbye.TryRead(packet, out var goodbye).ShouldBeTrue();
        goodbye.SourceCount.ShouldBe(sources.Length);
        for (var i = 0; i < sources.Length; i++)
        {
            goodbye.GetSource(i).ShouldBe(sources[i]);
        }

        Encoding.UTF8.GetString(goodbye.Reason).ShouldBe(reason);
    }

    [Fact]
    public void ACompoundSenderReportAndSourceDescriptionReadsBackInOrder()
    {
        var buffer = new byte[512];
        var written = RtcpWriter.WriteSenderReport(buffer, 99, _senderInfo, [_block]);
        written += RtcpWriter.WriteSourceDescription(buffer.AsSpan(written), 99, "leg-1@media");
        written += RtcpWriter.WriteGoodbye(buffer.AsSpan(written), [99u]);
        var compound = buffer.AsSpan(0, written);

        RtcpCompoundReader.IsValid(compound).ShouldBeTrue();
        var reader = new RtcpCompoundReader(compound);
        reader.TryReadNext(out var first).ShouldBeTrue();
        RtcpSenderReport.TryRead(first, out var report).ShouldBeTrue();
        report.GetReportBlock(0).ShouldBe(_block);
        reader.TryReadNext(out var second).ShouldBeTrue();
        RtcpSourceDescription.TryRead(second, out var description).ShouldBeTrue();
        description.TryGetCanonicalName(out var ssrc, out var name).ShouldBeTrue();
        ssrc.ShouldBe(99u);
        Encoding.ASCII.GetString(name).ShouldBe("leg-1@media");
        reader.TryReadNext(out var third).ShouldBeTrue();
        third.Type.ShouldBe(RtcpPacketType.Goodbye);
        reader.TryReadNext(out _).ShouldBeFalse();
        reader.IsMalformed.ShouldBeFalse();
    }

    [Fact]
    public void ACompoundMustStartWithAReport()
    {
        var buffer = new byte[512];
        var written = RtcpWriter.WriteSourceDescription(buffer, 99, "x");
        written += RtcpWriter.WriteReceiverReport(buffer.AsSpan(written), 99, []);

        RtcpCompoundReader.IsValid(buffer.AsSpan(0, written)).ShouldBeFalse();
        RtcpCompoundReader.IsValid(ReadOnlySpan<byte>.Empty).ShouldBeFalse();
    }

    [Fact]
    public void EveryTruncationOfACompoundIsRejectedExceptAtAPacketBoundary()
    {
        var buffer = new byte[512];
        var reportLength = RtcpWriter.WriteSenderReport(buffer, 99, _senderInfo, [_block]);
        var written = reportLength + RtcpWriter.WriteSourceDescription(buffer.AsSpan(reportLength), 99, "leg-1@media");

        for (var length = 0; length < written; length++)
        {
            RtcpCompoundReader.IsValid(buffer.AsSpan(0, length)).ShouldBe(length == reportLength, $"length {length}");
        }

        RtcpCompoundReader.IsValid(buffer.AsSpan(0, written)).ShouldBeTrue();
    }

    [Fact]
    public void TrailingBytesAfterTheLastPacketMakeTheCompoundMalformed()
    {
        var buffer = new byte[64];
        var written = RtcpWriter.WriteReceiverReport(buffer, 1, []);

        RtcpCompoundReader.IsValid(buffer.AsSpan(0, written + 4)).ShouldBeFalse();
        var reader = new RtcpCompoundReader(buffer.AsSpan(0, written + 4));
        reader.TryReadNext(out _).ShouldBeTrue();
        reader.TryReadNext(out _).ShouldBeFalse();
        reader.IsMalformed.ShouldBeTrue();
    }

    [Fact]
    public void PaddingIsAllowedOnlyOnTheLastPacketOfACompound()
    {
        byte[] paddedReport = [0xA0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4];
        byte[] unpaddedReport = [0x80, 201, 0, 1, 0, 0, 0, 1];
        byte[] goodbye = [0x81, 203, 0, 1, 0, 0, 0, 1];

        RtcpCompoundReader.IsValid(paddedReport).ShouldBeTrue();
        RtcpCompoundReader.IsValid([.. unpaddedReport, .. goodbye]).ShouldBeTrue();
        RtcpCompoundReader.IsValid([.. paddedReport, .. goodbye]).ShouldBeFalse();
    }

    [Theory]
    [InlineData("version 1", new byte[] { 0x40, 201, 0, 1, 0, 0, 0, 1 })]
    [InlineData("length past the end", new byte[] { 0x80, 201, 0, 2, 0, 0, 0, 1 })]
    [InlineData("shorter than a header", new byte[] { 0x80, 201, 0 })]
    [InlineData("padding count zero", new byte[] { 0xA0, 201, 0, 1, 0, 0, 0, 0 })]
    [InlineData("padding longer than the body", new byte[] { 0xA0, 201, 0, 1, 0, 0, 0, 9 })]
    public void AMalformedCommonHeaderIsRejected(string shape, byte[] bytes)
    {
        RtcpPacket.TryRead(bytes, out _, out _).ShouldBeFalse(shape);
    }

    [Theory]
    [InlineData("SR count past its blocks", new byte[] { 0x81, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("SR without sender info", new byte[] { 0x80, 200, 0, 1, 0, 0, 0, 1 })]
    [InlineData("RR count past its blocks", new byte[] { 0x82, 201, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("SDES item past the end", new byte[] { 0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, (byte)'a', (byte)'b' })]
    [InlineData("SDES chunk without terminator", new byte[] { 0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, (byte)'a', (byte)'b' })]
    [InlineData("SDES count past its chunks", new byte[] { 0x82, 202, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0 })]
    [InlineData("BYE count past its sources", new byte[] { 0x82, 203, 0, 1, 0, 0, 0, 1 })]
    [InlineData("BYE reason past the end", new byte[] { 0x81, 203, 0, 2, 0, 0, 0, 1, 9, (byte)'a', (byte)'b', (byte)'c' })]
    public void AMalformedBodyIsRejectedByItsTypedReader(string shape, byte[] bytes)
    {
        RtcpPacket.TryRead(bytes, out var packet, out _).ShouldBeTrue(shape);
        var accepted = packet.Type switch
        {
            RtcpPacketType.SenderReport => RtcpSenderReport.TryRead(packet, out _),
            RtcpPacketType.ReceiverReport => RtcpReceiverReport.TryRead(packet, out _),
            RtcpPacketType.SourceDescription => RtcpSourceDescription.TryRead(packet, out _),
            _ => RtcpGoodbye.TryRead(packet, out _),
        };

        accepted.ShouldBeFalse(shape);
    }

    [Fact]
    public void WritingAndReadingAReportAllocatesNothing()
    {
        var buffer = new byte[512];
        ReadOnlySpan<RtcpReportBlock> blocks = [_block];
        RoundTrip(buffer, blocks);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var total = 0u;
        for (var i = 0; i < 1000; i++)
        {
            total += RoundTrip(buffer, blocks);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        total.ShouldBe(1000 * _block.Jitter);

        static uint RoundTrip(byte[] buffer, ReadOnlySpan<RtcpReportBlock> blocks)
        {
            var written = RtcpWriter.WriteSenderReport(buffer, 1, _senderInfo, blocks);
            written += RtcpWriter.WriteSourceDescription(buffer.AsSpan(written), 1, "leg@media");
            var reader = new RtcpCompoundReader(buffer.AsSpan(0, written));
            reader.TryReadNext(out var packet);
            RtcpSenderReport.TryRead(packet, out var report);
            return report.GetReportBlock(0).Jitter;
        }
    }

    [Fact]
    public void AnNtpTimestampKeepsSecondsSince1900AndTheFraction()
    {
        var time = new DateTimeOffset(2026, 1, 1, 0, 0, 0, 500, TimeSpan.Zero);

        var ntp = NtpTimestamp.FromDateTimeOffset(time);

        ntp.Seconds.ShouldBe((uint)(time - new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds);
        ntp.Fraction.ShouldBe(0x8000_0000u);
        ntp.Middle32.ShouldBe(((ntp.Seconds & 0xFFFF) << 16) | 0x8000);
    }
}
