using System.Buffers;
using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using static CallControl.Media.Tests.Sip.Parsing.ParsingHelpers;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>Limits and grammar details beyond the torture cases.</summary>
public sealed class SipGrammarEdgeTests
{
    private const string Head = """
        OPTIONS sip:agent@example.com SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKedge
        From: <sip:caller@example.com>;tag=1
        To: <sip:agent@example.com>
        Call-ID: edge-1@192.0.2.1
        CSeq: 1 OPTIONS
        """;

    [Fact]
    public void ADatagramWithoutContentLengthHasTheRestAsItsBody()
    {
        var request = ParseRequest(SipText.Message(Head, "hello"));

        request.ContentLength.ShouldBeNull();
        Encoding.ASCII.GetString(request.Body.Span).ShouldBe("hello\r\n");
    }

    [Fact]
    public void AStreamMessageWithoutContentLengthLosesTheFraming()
    {
        var status = SipParser.TryParse(new ReadOnlySequence<byte>(SipText.Message(Head)), SipFraming.Stream, out _, out _, out var error);

        status.ShouldBe(SipParseStatus.Invalid);
        error!.Kind.ShouldBe(SipParseErrorKind.MissingContentLength);
        error.FramingLost.ShouldBeTrue();
        error.CanRespond.ShouldBeTrue();
    }

    [Fact]
    public void AMessageOverSixtyFourKibibytesIsRejected()
    {
        var body = new string('x', SipLimits.MaxMessageSize);

        var result = SipParser.Parse(SipText.Message(Head + "\nContent-Length: $LEN$", body));

        result.Error!.Kind.ShouldBe(SipParseErrorKind.MessageTooLarge);
        result.Error.ResponseStatusCode.ShouldBe(513);
        result.Error.CanRespond.ShouldBeTrue();
    }

    [Fact]
    public void AStreamDeclaringAnOversizeBodyIsRejectedWithoutWaitingForIt()
    {
        var bytes = SipText.Message(Head + "\nContent-Length: 70000");

        var status = SipParser.TryParse(new ReadOnlySequence<byte>(bytes), SipFraming.Stream, out _, out _, out var error);

        status.ShouldBe(SipParseStatus.Invalid);
        error!.Kind.ShouldBe(SipParseErrorKind.MessageTooLarge);
        error.FramingLost.ShouldBeTrue();
    }

    [Fact]
    public void AStreamWithoutAnEndOfHeadersWithinTheLimitIsRejected()
    {
        var bytes = Encoding.ASCII.GetBytes("OPTIONS sip:agent@example.com SIP/2.0\r\nX-Filler: " + new string('f', SipLimits.MaxMessageSize));

        var input = Segmented(bytes, 4096);

        var status = SipParser.TryParse(input, SipFraming.Stream, out _, out var consumed, out var error);

        status.ShouldBe(SipParseStatus.Invalid);
        error!.Kind.ShouldBe(SipParseErrorKind.MessageTooLarge);
        consumed.ShouldBe(input.End);
    }

    [Fact]
    public void AStartLineWithoutEndPastItsLimitIsRejectedOnAStream()
    {
        var bytes = Encoding.ASCII.GetBytes("OPTIONS sip:" + new string('a', SipLimits.MaxStartLineLength));

        SipParser.TryParse(new ReadOnlySequence<byte>(bytes), SipFraming.Stream, out _, out _, out var error).ShouldBe(SipParseStatus.Invalid);
        error!.Kind.ShouldBe(SipParseErrorKind.StartLineTooLong);
    }

    [Fact]
    public void TooManyHeaderFieldsAreRejected()
    {
        const int HeadFields = 5;
        var extra = string.Concat(Enumerable.Range(0, SipLimits.MaxHeaderCount - HeadFields + 1).Select(i => $"\nX-H{i}: {i}"));

        SipParser.Parse(SipText.Message(Head + extra)).Error!.Kind.ShouldBe(SipParseErrorKind.TooManyHeaders);
        SipParser.Parse(SipText.Message(Head + extra[..extra.LastIndexOf('\n')])).Status.ShouldBe(SipParseStatus.Complete);
    }

    [Fact]
    public void AHeaderFieldPastItsLimitIsRejectedEvenWhenFolded()
    {
        var folded = string.Concat(Enumerable.Repeat("\n " + new string('v', 1000), (SipLimits.MaxHeaderFieldLength / 1000) + 1));

        SipParser.Parse(SipText.Message(Head + "\nX-Long: start" + folded)).Error!.Kind.ShouldBe(SipParseErrorKind.HeaderTooLong);
    }

    [Theory]
    [InlineData("255", true)]
    [InlineData("256", false)]
    [InlineData("-1", false)]
    [InlineData("7a", false)]
    public void MaxForwardsRunsFromZeroTo255(string value, bool valid)
    {
        var result = SipParser.Parse(SipText.Message(Head + "\nMax-Forwards: " + value));

        result.Status.ShouldBe(valid ? SipParseStatus.Complete : SipParseStatus.Invalid);
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("*\nContact: <sip:a@example.com>", false)]
    [InlineData("*;expires=0", false)]
    public void AWildcardContactStandsAlone(string value, bool valid)
    {
        var result = SipParser.Parse(SipText.Message(Head.Replace("OPTIONS", "REGISTER", StringComparison.Ordinal) + "\nContact: " + value));

        result.Status.ShouldBe(valid ? SipParseStatus.Complete : SipParseStatus.Invalid);
        if (valid)
        {
            result.Message!.HasWildcardContact.ShouldBeTrue();
            result.Message.Contacts.ShouldBeEmpty();
        }
    }

    [Fact]
    public void CommasInsideQuotesAndAngleBracketsDoNotSplitAList()
    {
        var request = ParseRequest(SipText.Message(Head + "\nContact: \"Doe, Jane\" <sip:a,b@example.com>;q=0.5, <sip:c@example.com>"));

        request.Contacts.Select(c => (c.DisplayName, c.Uri.Sip().User)).ShouldBe([("Doe, Jane", "a,b"), (null, "c")]);
    }

    [Fact]
    public void ListValuesSpreadOverSeveralHeadersAreReadInOrder()
    {
        var request = ParseRequest(SipText.Message(Head + "\nRoute: <sip:r1.example.com;lr>, <sip:r2.example.com;lr>\nRoute: <sip:r3.example.com;lr>\nAllow: INVITE, ACK\nallow: BYE"));

        request.Routes.Select(r => r.Uri.Sip().Host).ShouldBe(["r1.example.com", "r2.example.com", "r3.example.com"]);
        request.GetTokens("Allow").ShouldBe(["INVITE", "ACK", "BYE"]);
    }

    [Fact]
    public void ARouteMustBeANameAddr()
    {
        SipParser.Parse(SipText.Message(Head + "\nRoute: sip:r1.example.com;lr")).Error!.HeaderName.ShouldBe("Route");
    }

    [Theory]
    [InlineData("sip:[::1]:5060", "[::1]", 5060)]
    [InlineData("sips:alice@example.com", "example.com", null)]
    [InlineData("sip:example.com:65535;transport=tcp", "example.com", 65535)]
    public void SipUrisReadTheirHostAndPort(string text, string host, int? port)
    {
        var uri = MessageUri.Parse(text).Sip();

        (uri.Host, uri.Port).ShouldBe((host, port));
        uri.ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("sip:example.com:65536")]
    [InlineData("sip:user@")]
    [InlineData("sip:a%2@example.com")]
    [InlineData("sip:[::1")]
    [InlineData("sip:exa mple.com")]
    [InlineData("sip:-bad-.example.com")]
    [InlineData("sip:999.1.1.1")]
    [InlineData("sip:example.com;=x")]
    [InlineData("1sip:example.com")]
    [InlineData(":nothing")]
    public void MalformedUrisAreNotUris(string text)
    {
        MessageUri.TryParse(text, out _).ShouldBeFalse();
        Should.Throw<FormatException>(() => MessageUri.Parse(text));
    }

    [Fact]
    public void RportIsReadWithAndWithoutItsValue()
    {
        var request = ParseRequest(SipText.Message(
            Head.Replace("z9hG4bKedge", "z9hG4bKedge;rport", StringComparison.Ordinal)
            + "\nVia: SIP/2.0/TCP 192.0.2.2:5070;received=198.51.100.7;rport=40123;branch=z9hG4bKsecond"));

        var (first, second) = (request.Vias[0], request.Vias[1]);

        (first.HasRPort, first.RPort, first.Received).ShouldBe((true, (int?)null, (string?)null));
        (second.HasRPort, second.RPort, second.Received, second.Port).ShouldBe((true, (int?)40123, "198.51.100.7", (int?)5070));
        second.Branch.ShouldBe("z9hG4bKsecond");
    }

    [Fact]
    public void ADatagramOfOnlyLineBreaksIsEmpty()
    {
        SipParser.Parse("\r\n\r\n"u8).Error!.Kind.ShouldBe(SipParseErrorKind.Empty);
        SipParser.Parse([]).Error!.Kind.ShouldBe(SipParseErrorKind.Empty);
    }

    [Fact]
    public void AResponseIsNeverAnswered()
    {
        var error = SipParser.Parse(SipText.Message("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h.example.com\nCSeq: x")).Error!;

        error.IsRequest.ShouldBeFalse();
        error.CanRespond.ShouldBeFalse();
        error.CreateResponse().ShouldBeNull();
    }

    [Fact]
    public void ABadAckIsNeverAnswered()
    {
        var error = SipParser.Parse(SipText.Message("ACK" + Head["OPTIONS".Length..])).Error!;

        error.Kind.ShouldBe(SipParseErrorKind.MethodMismatch);
        error.CanRespond.ShouldBeFalse();
    }

    [Fact]
    public void ABareControlCharacterInAHeaderValueIsRejected()
    {
        SipParser.Parse(SipText.Message(Head + "\nX-Bell: ring\u0007ring")).Error!.Kind.ShouldBe(SipParseErrorKind.BadHeaderValue);
    }

    [Fact]
    public void AHeaderLineWithoutAColonIsRejected()
    {
        SipParser.Parse(SipText.Message(Head + "\nNoColonHere")).Error!.Kind.ShouldBe(SipParseErrorKind.BadHeaderLine);
    }
}
