using System.Text;
using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

public sealed class SdpParserRejectionTests
{
    private const string Head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

    private static readonly string ValidOffer = SdpText.Join(
        "v=0",
        "o=carol 3724394400 3724394405 IN IP6 2001:db8::10",
        "s=-",
        "c=IN IP6 2001:db8::10",
        "b=AS:80",
        "t=0 0",
        "m=audio 30000 RTP/AVP 8 0 101",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-16",
        "a=rtcp:30001 IN IP6 2001:db8::10",
        "a=ptime:20",
        "a=sendonly",
        "m=video 30002 RTP/AVP 96",
        "a=rtpmap:96 H264/90000");

    public static TheoryData<string, SdpErrorCode> Malformed => new()
    {
        { "", SdpErrorCode.Empty },
        { "\r\n\r\n", SdpErrorCode.InvalidVersion },
        { "v=0\r\n", SdpErrorCode.InvalidOrigin },
        { "v=1\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n", SdpErrorCode.InvalidVersion },
        { "o=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n", SdpErrorCode.InvalidVersion },
        { "v=0\r\ns=-\r\nt=0 0\r\n", SdpErrorCode.InvalidOrigin },
        { "v=0\r\no=- 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n", SdpErrorCode.InvalidOrigin },
        { "v=0\r\no=- x 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n", SdpErrorCode.InvalidOrigin },
        { "v=0\r\no=- 1 99999999999999999999 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n", SdpErrorCode.InvalidOrigin },
        { "v=0\r\no=- 1 1 ATM IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n", SdpErrorCode.InvalidOrigin },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\n", SdpErrorCode.MissingSessionName },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n", SdpErrorCode.MissingSessionName },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n", SdpErrorCode.InvalidTiming },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0\r\n", SdpErrorCode.InvalidTiming },
        { Head + "c=IN IP4 192.0.2.2\r\n", SdpErrorCode.InvalidConnection },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 1\r\nt=0 0\r\n", SdpErrorCode.InvalidConnection },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 300.1.1.1\r\nt=0 0\r\n", SdpErrorCode.InvalidConnection },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP6 192.0.2.1\r\nt=0 0\r\n", SdpErrorCode.InvalidConnection },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 2001:db8::1\r\nt=0 0\r\n", SdpErrorCode.InvalidConnection },
        { "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", SdpErrorCode.MissingConnection },
        { Head + "m=audio 4000 RTP/AVP\r\n", SdpErrorCode.InvalidMedia },
        { Head + "m=audio 70000 RTP/AVP 0\r\n", SdpErrorCode.InvalidMedia },
        { Head + "m=audio -1 RTP/AVP 0\r\n", SdpErrorCode.InvalidMedia },
        { Head + "m=audio 4000 RTP/AVP 128\r\n", SdpErrorCode.InvalidMedia },
        { Head + "m=audio 4000 RTP/AVP PCMU\r\n", SdpErrorCode.InvalidMedia },
        { Head + "m=audio 4000/0 RTP/AVP 0\r\n", SdpErrorCode.InvalidMedia },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/0\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:x PCMU/8000\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:0 PCMA/8000\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=fmtp:101\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=ptime:0\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=ptime:20.5\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=rtcp:abc\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=rtcp:4001 IN IP4\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=sendonly\r\na=recvonly\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=sendonly:yes\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\na=\r\n", SdpErrorCode.InvalidAttribute },
        { Head + "m=audio 4000 RTP/AVP 0\r\nt=0 0\r\n", SdpErrorCode.InvalidLine },
        { Head + "x=unknown\r\n", SdpErrorCode.InvalidLine },
        { Head + "v=0\r\n", SdpErrorCode.InvalidLine },
        { Head + "A=upper\r\n", SdpErrorCode.InvalidLine },
        { Head + "a sendonly\r\n", SdpErrorCode.InvalidLine },
        { Head + "s=nul\0inside\r\n", SdpErrorCode.InvalidCharacter },
        { Head + "s=cr\rinside\r\n", SdpErrorCode.InvalidCharacter },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedInputIsRejectedWithItsReason(string body, SdpErrorCode expected) =>
        SdpText.Reject(body).Code.ShouldBe(expected);

    [Fact]
    public void TheErrorNamesTheOffendingLine() =>
        SdpText.Reject(Head + "m=audio 4000 RTP/AVP 0\r\na=ptime:zero\r\n").Line.ShouldBe(7);

    [Fact]
    public void InvalidUtf8IsRejected()
    {
        var body = Encoding.UTF8.GetBytes(Head).Concat(new byte[] { (byte)'s', (byte)'=', 0xC3, 0x28, 13, 10 }).ToArray();

        SdpParser.TryParse(body, out _, out var error).ShouldBeFalse();
        error.Code.ShouldBe(SdpErrorCode.InvalidCharacter);
    }

    [Fact]
    public void EveryTruncationOfAValidOfferEitherParsesOrIsRejectedWithoutThrowing()
    {
        var bytes = Encoding.UTF8.GetBytes(ValidOffer);
        var outcomes = new HashSet<SdpErrorCode>();
        for (var length = 0; length <= bytes.Length; length++)
        {
            var parsed = SdpParser.TryParse(bytes.AsSpan(0, length), out var session, out var error);
            (parsed == (session is not null)).ShouldBeTrue();
            (parsed == (error.Code == SdpErrorCode.None)).ShouldBeTrue();
            outcomes.Add(error.Code);
        }

        outcomes.ShouldContain(SdpErrorCode.None);
        outcomes.ShouldContain(SdpErrorCode.Empty);
        outcomes.ShouldContain(SdpErrorCode.InvalidTiming);
        outcomes.ShouldContain(SdpErrorCode.InvalidAttribute);
    }

    [Fact]
    public void EverySingleByteCorruptionOfAValidOfferIsHandledWithoutThrowing()
    {
        var bytes = Encoding.UTF8.GetBytes(ValidOffer);
        byte[] replacements = [0, (byte)' ', (byte)'=', (byte)':', (byte)'/', (byte)'9', (byte)'\n', 0xFF];
        var rejected = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var replacement in replacements)
            {
                var corrupt = (byte[])bytes.Clone();
                corrupt[i] = replacement;
                if (!SdpParser.TryParse(corrupt, out _, out var error))
                {
                    error.Code.ShouldNotBe(SdpErrorCode.None);
                    rejected++;
                }
            }
        }

        rejected.ShouldBeGreaterThan(bytes.Length);
    }

    [Fact]
    public void ABodyOverTheSizeLimitIsRejected()
    {
        var body = Head + string.Concat(Enumerable.Repeat("a=x-padding:0123456789012345678901234567890123456789\r\n", 400));

        SdpText.Reject(body).Code.ShouldBe(SdpErrorCode.TooLarge);
    }

    [Fact]
    public void ALineOverTheLengthLimitIsRejected() =>
        SdpText.Reject(Head + "a=x-long:" + new string('x', SdpLimits.MaxLineBytes) + "\r\n").Code.ShouldBe(SdpErrorCode.LineTooLong);

    [Fact]
    public void TooManyLinesAreRejected() =>
        SdpText.Reject(Head + string.Concat(Enumerable.Repeat("a=x\r\n", SdpLimits.MaxLines))).Code.ShouldBe(SdpErrorCode.TooManyLines);

    [Fact]
    public void TooManyMediaDescriptionsAreRejected() =>
        SdpText.Reject(Head + string.Concat(Enumerable.Repeat("m=audio 0 RTP/AVP 0\r\n", SdpLimits.MaxMediaDescriptions + 1))).Code.ShouldBe(SdpErrorCode.TooManyMedia);

    [Fact]
    public void TooManyFormatsOnOneMediaLineAreRejected()
    {
        var formats = string.Join(' ', Enumerable.Range(0, SdpLimits.MaxFormatsPerMedia + 1).Select(pt => (pt % 128).ToString(System.Globalization.CultureInfo.InvariantCulture)));

        SdpText.Reject(Head + "m=audio 4000 RTP/AVP " + formats + "\r\n").Code.ShouldBe(SdpErrorCode.InvalidMedia);
    }
}
