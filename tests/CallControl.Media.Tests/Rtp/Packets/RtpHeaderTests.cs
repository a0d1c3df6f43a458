using CallControl.Media.Rtp.Packets;

namespace CallControl.Media.Tests.Rtp.Packets;

public sealed class RtpHeaderTests
{
    private static readonly byte[] _payload = [0xD5, 0x55, 0xD5, 0x54, 0x7F];

    [Fact]
    public void AWrittenPacketReadsBackWithEveryField()
    {
        var buffer = new byte[64];
        var written = RtpPacketWriter.Write(buffer, marker: true, payloadType: 8, sequenceNumber: 65535, timestamp: 0xDEADBEEF, ssrc: 0x01020304, _payload);

        written.ShouldBe(RtpHeader.FixedLength + _payload.Length);
        RtpHeader.TryRead(buffer.AsSpan(0, written), out var header).ShouldBeTrue();
        header.Marker.ShouldBeTrue();
        header.PayloadType.ShouldBe((byte)8);
        header.SequenceNumber.ShouldBe((ushort)65535);
        header.Timestamp.ShouldBe(0xDEADBEEFu);
        header.Ssrc.ShouldBe(0x01020304u);
        header.CsrcCount.ShouldBe(0);
        header.HasPadding.ShouldBeFalse();
        header.HasExtension.ShouldBeFalse();
        header.Payload.ToArray().ShouldBe(_payload);
    }

    [Fact]
    public void ContributingSourcesRoundTripAndPushThePayloadBack()
    {
        var buffer = new byte[64];
        uint[] csrcs = [7, 0xFFFFFFFF, 42];
        var written = RtpPacketWriter.Write(buffer, false, 0, 1, 160, 9, _payload, csrcs);

        RtpHeader.TryRead(buffer.AsSpan(0, written), out var header).ShouldBeTrue();
        header.CsrcCount.ShouldBe(3);
        header.HeaderLength.ShouldBe(24);
        header.GetCsrc(0).ShouldBe(7u);
        header.GetCsrc(1).ShouldBe(0xFFFFFFFFu);
        header.GetCsrc(2).ShouldBe(42u);
        header.Marker.ShouldBeFalse();
        header.Payload.ToArray().ShouldBe(_payload);
    }

    [Fact]
    public void PaddingIsLeftOutOfThePayload()
    {
        byte[] packet = [0xA0, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x11, 0x22, 0, 0, 3];

        RtpHeader.TryRead(packet, out var header).ShouldBeTrue();
        header.HasPadding.ShouldBeTrue();
        header.PaddingLength.ShouldBe(3);
        header.Payload.ToArray().ShouldBe(new byte[] { 0x11, 0x22 });
    }

    [Fact]
    public void AHeaderExtensionIsExposedAndSkippedBeforeThePayload()
    {
        byte[] packet = [0x90, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 1, 2, 3, 4, 0x55];

        RtpHeader.TryRead(packet, out var header).ShouldBeTrue();
        header.HasExtension.ShouldBeTrue();
        header.ExtensionProfile.ShouldBe((ushort)0xBEDE);
        header.ExtensionData.ToArray().ShouldBe(new byte[] { 1, 2, 3, 4 });
        header.Payload.ToArray().ShouldBe(new byte[] { 0x55 });
    }

    [Fact]
    public void AHeaderWithNoPayloadIsValid()
    {
        byte[] packet = [0x80, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];

        RtpHeader.TryRead(packet, out var header).ShouldBeTrue();
        header.Payload.Length.ShouldBe(0);
    }

    [Fact]
    public void EveryTruncationOfTheFixedHeaderIsRejected()
    {
        var buffer = new byte[64];
        var written = RtpPacketWriter.Write(buffer, false, 0, 1, 2, 3, ReadOnlySpan<byte>.Empty);

        for (var length = 0; length < written; length++)
        {
            RtpHeader.TryRead(buffer.AsSpan(0, length), out _).ShouldBeFalse($"length {length}");
        }
    }

    [Theory]
    [InlineData("version 0", new byte[] { 0x00, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9 })]
    [InlineData("version 1", new byte[] { 0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9 })]
    [InlineData("version 3", new byte[] { 0xC0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9 })]
    [InlineData("two CSRCs, one present", new byte[] { 0x82, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7 })]
    [InlineData("fifteen CSRCs, none present", new byte[] { 0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9 })]
    [InlineData("padding count zero", new byte[] { 0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 0 })]
    [InlineData("padding longer than the payload", new byte[] { 0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 3 })]
    [InlineData("padding bit on a bare header", new byte[] { 0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 })]
    [InlineData("an RTCP sender report", new byte[] { 0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("an RTCP receiver report", new byte[] { 0x81, 201, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData("extension header cut short", new byte[] { 0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0 })]
    [InlineData("extension words past the end", new byte[] { 0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 2, 1, 2, 3, 4 })]
    public void AMalformedPacketIsRejected(string shape, byte[] packet)
    {
        RtpHeader.TryRead(packet, out _).ShouldBeFalse(shape);
    }

    [Fact]
    public void ReadingAndWritingAllocateNothing()
    {
        var buffer = new byte[64];
        RtpPacketWriter.Write(buffer, false, 0, 1, 2, 3, _payload);
        RtpHeader.TryRead(buffer, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = 0;
        for (var i = 0; i < 1000; i++)
        {
            var written = RtpPacketWriter.Write(buffer, false, 0, (ushort)i, 2, 3, _payload);
            RtpHeader.TryRead(buffer.AsSpan(0, written), out var header);
            sum += header.Payload.Length;
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        sum.ShouldBe(1000 * _payload.Length);
    }

    [Fact]
    public void APayloadTypeAboveSevenBitsCannotBeWritten()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => RtpPacketWriter.Write(new byte[64], false, 128, 1, 2, 3, _payload));
    }
}
