using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using static CallControl.Media.Tests.Sip.Parsing.ParsingHelpers;

namespace CallControl.Media.Tests.Sip.Parsing;

public sealed class SipWriterTests
{
    private static readonly byte[] CompactRequest = SipText.Message("""
        OPTIONS sip:agent@example.com SIP/2.0
        v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKw1
        x-Odd-CASE-Header: kept  as   received
        f: <sip:caller@example.com>;tag=1
        t: <sip:agent@example.com>
        i: writer-1@192.0.2.1
        CSEQ: 1 OPTIONS
        Another-Unknown: second
        l: 0
        """);

    [Fact]
    public void KnownHeadersAreWrittenUnderTheirLongNamesAndUnknownOnesAsReceivedInOrder()
    {
        var text = Encoding.UTF8.GetString(SipWriter.ToArray(ParseValid(CompactRequest)));

        text.ShouldBe(
            "OPTIONS sip:agent@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKw1\r\n"
            + "x-Odd-CASE-Header: kept  as   received\r\n"
            + "From: <sip:caller@example.com>;tag=1\r\n"
            + "To: <sip:agent@example.com>\r\n"
            + "Call-ID: writer-1@192.0.2.1\r\n"
            + "CSeq: 1 OPTIONS\r\n"
            + "Another-Unknown: second\r\n"
            + "Content-Length: 0\r\n"
            + "\r\n");
    }

    [Fact]
    public void AWrongContentLengthIsWrittenAsTheBodysLengthInItsPlace()
    {
        var request = ParseRequest(CompactRequest)
            .WithHeaders(ParseRequest(CompactRequest).Headers.Set(new SipHeader("Content-Length", "99")).Add(new SipHeader("X-After", "1")))
            with { Body = "abc"u8.ToArray() };

        var text = Encoding.UTF8.GetString(SipWriter.ToArray(request));

        text.ShouldContain("Content-Length: 3\r\nX-After: 1\r\n\r\nabc");
        text.Split("Content-Length").Length.ShouldBe(2);
    }

    [Fact]
    public void AMessageWithoutContentLengthGetsOneAfterItsHeaders()
    {
        var request = SipRequest.Create(SipMethod.Message, MessageUri.Parse("sip:agent@example.com"))
            .AddHeader("X-Only", "1") with { Body = "hello"u8.ToArray() };

        Encoding.UTF8.GetString(SipWriter.ToArray(request)).ShouldBe(
            "MESSAGE sip:agent@example.com SIP/2.0\r\nX-Only: 1\r\nContent-Length: 5\r\n\r\nhello");
    }

    [Fact]
    public void AResponseStatusLineCarriesCodeAndReasonAsGiven()
    {
        var response = new SipResponse { StatusCode = 183, ReasonPhrase = "Session Progress" };

        Encoding.UTF8.GetString(SipWriter.ToArray(response)).ShouldStartWith("SIP/2.0 183 Session Progress\r\n");
    }

    [Fact]
    public void WritingIntoASpanThatIsTooShortIsRefused()
    {
        var message = ParseValid(CompactRequest);
        var buffer = new byte[SipWriter.GetByteCount(message) - 1];

        Should.Throw<ArgumentException>(() => SipWriter.Write(message, buffer));
    }

    [Fact]
    public void GetByteCountMatchesTheBytesWritten()
    {
        foreach (var bytes in TortureMessages.Valid.Values)
        {
            var message = ParseValid(bytes);

            SipWriter.GetByteCount(message).ShouldBe(SipWriter.ToArray(message).Length);
        }
    }
}
