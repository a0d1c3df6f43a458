using System.Buffers;
using System.Text;
using CallControl.Media.Sip.Transport;
using CallControl.Media.Tests.Sip.Parsing;

namespace CallControl.Media.Tests.Sip.Transport;

public sealed class SipStreamFramerTests
{
    private const int Limit = SipTransport.MaxMessageSize;

    public static TheoryData<string> WholeMessages => new()
    {
        "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK1\r\nContent-Length: 5\r\n\r\nhello",
        "SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS sip:x SIP/2.0\r\nCall-ID: a\r\n\r\n",
        "MESSAGE sip:x SIP/2.0\r\nl:3\r\n\r\nabc",
        "MESSAGE sip:x SIP/2.0\r\nSubject: folded\r\n  over two lines\r\ncontent-LENGTH :\r\n   4  \r\n\r\nbody",
        "sip/2.0 180 Ringing\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n\r\n",
    };

    [Theory]
    [MemberData(nameof(WholeMessages))]
    public void EveryTruncationOfAMessageIsIncompleteAndTheWholeIsOneMessage(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var length = 1; length < bytes.Length; length++)
        {
            Frame(bytes.AsSpan(0, length).ToArray()).ShouldBe(new SipFrame(SipFrameKind.Incomplete, 0), $"prefix of {length} bytes");
        }

        Frame(bytes).ShouldBe(new SipFrame(SipFrameKind.Message, bytes.Length));
    }

    [Theory]
    [MemberData(nameof(WholeMessages))]
    public void AMessageSpreadOverOneByteSegmentsFramesAsIfContiguous(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "OPTIONS sip:next SIP/2.0\r\n");

        SipStreamFramer.Next(OneByteSegments(bytes), Limit).ShouldBe(new SipFrame(SipFrameKind.Message, Encoding.UTF8.GetByteCount(text)));
    }

    [Theory]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length: 3\r\n\r\nabcSIP/2.0 200 OK\r\n", 47)]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\nOPTIONS", 44)]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nX-Content-Length: 9\r\n\r\n", 46)]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nL: 1\r\n\r\nxy", 32)]
    public void TheMessageEndsWhereItsContentLengthSays(string text, int length) =>
        Frame(Encoding.UTF8.GetBytes(text)).ShouldBe(new SipFrame(SipFrameKind.Message, length));

    [Theory]
    [InlineData("\r\n\r\n", nameof(SipFrameKind.Ping), 4)]
    [InlineData("\r\n\r\nINVITE", nameof(SipFrameKind.Ping), 4)]
    [InlineData("\r\nINVITE", nameof(SipFrameKind.KeepAlive), 2)]
    [InlineData("\r\n\r!", nameof(SipFrameKind.KeepAlive), 2)]
    [InlineData("\r\n", nameof(SipFrameKind.Incomplete), 0)]
    [InlineData("\r\n\r", nameof(SipFrameKind.Incomplete), 0)]
    [InlineData("\r", nameof(SipFrameKind.Incomplete), 0)]
    [InlineData("\r\r\n", nameof(SipFrameKind.Malformed), 0)]
    public void CrlfBetweenMessagesIsAPingOrAKeepAlive(string text, string kind, int length) =>
        Frame(Encoding.ASCII.GetBytes(text)).ShouldBe(new SipFrame(Enum.Parse<SipFrameKind>(kind), length));

    [Theory]
    [InlineData("OPTIONS sip:x SIP/2.0\nContent-Length: 0\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\n\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("OPTIONS\r\n\r\n")]
    [InlineData("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nthis line has no colon\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\n folded: before any header\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nBad Name: x\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\n: no name\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length: ten\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length:\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length: 1 2\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length: 1\r\n 2\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nVia: a\u0000b\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP a\u0000")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nVia: a\rb\r\n\r\n")]
    public void BytesThatCannotBeFramedAreMalformed(string text) =>
        Frame(Encoding.UTF8.GetBytes(text)).Kind.ShouldBe(SipFrameKind.Malformed);

    [Fact]
    public void AContentLengthOverTheLimitIsTooLargeBeforeTheBodyArrives() =>
        Frame(Encoding.ASCII.GetBytes("OPTIONS sip:x SIP/2.0\r\nContent-Length: 65500\r\n\r\n")).Kind.ShouldBe(SipFrameKind.TooLarge);

    [Fact]
    public void AnAbsurdContentLengthIsTooLargeRatherThanAnOverflow() =>
        Frame(Encoding.ASCII.GetBytes("OPTIONS sip:x SIP/2.0\r\nContent-Length: 99999999999999999999999\r\n\r\n")).Kind.ShouldBe(SipFrameKind.TooLarge);

    [Fact]
    public void AMessageOfExactlyTheLimitIsFramedAndOneByteMoreIsTooLarge()
    {
        var head = Encoding.ASCII.GetBytes($"OPTIONS sip:x SIP/2.0\r\nContent-Length: {Limit - 48}\r\n\r\n");
        head.Length.ShouldBe(48);
        var longer = Encoding.ASCII.GetBytes($"OPTIONS sip:x SIP/2.0\r\nContent-Length: {Limit - 47}\r\n\r\n");

        Frame([.. head, .. new byte[Limit - 48]]).ShouldBe(new SipFrame(SipFrameKind.Message, Limit));
        Frame(longer).Kind.ShouldBe(SipFrameKind.TooLarge);
    }

    [Fact]
    public void AHeaderSectionThatNeverEndsIsTooLargeOnceItPassesTheLimit()
    {
        var text = new StringBuilder("OPTIONS sip:x SIP/2.0\r\n");
        while (text.Length <= Limit)
        {
            text.Append("X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }

        Frame(Encoding.ASCII.GetBytes(text.ToString())).Kind.ShouldBe(SipFrameKind.TooLarge);
    }

    [Fact]
    public void ALineThatNeverEndsIsTooLargeOnceItPassesTheLimit() =>
        Frame(Encoding.ASCII.GetBytes("OPTIONS sip:" + new string('x', Limit))).Kind.ShouldBe(SipFrameKind.TooLarge);

    private static SipFrame Frame(byte[] bytes) => SipStreamFramer.Next(new ReadOnlySequence<byte>(bytes), Limit);

    private static ReadOnlySequence<byte> OneByteSegments(byte[] bytes) => ParsingHelpers.Segmented(bytes, 1);
}
