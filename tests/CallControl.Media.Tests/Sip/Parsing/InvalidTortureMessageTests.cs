using System.Buffers;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>The invalid cases of RFC 4475 (3.1.2 and the rejections of 3.3) and of RFC 5118.</summary>
public sealed class InvalidTortureMessageTests
{
    public static TheoryData<string> Names => new(InvalidTortureMessages.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void EachInvalidMessageIsRejectedWithItsReason(string name)
    {
        var test = Find(name);

        var result = SipParser.Parse(test.Bytes);

        result.Status.ShouldBe(SipParseStatus.Invalid);
        result.Message.ShouldBeNull();
        var error = result.Error.ShouldNotBeNull();
        error.Kind.ShouldBe(test.Kind);
        if (test.HeaderName is not null)
        {
            error.HeaderName.ShouldBe(test.HeaderName);
        }

        error.CanRespond.ShouldBe(test.CanRespond);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ARejectedRequestWithItsKeyHeadersGetsAnErrorResponseThatEchoesThem(string name)
    {
        var test = Find(name);
        var error = SipParser.Parse(test.Bytes).Error.ShouldNotBeNull();

        var response = error.CreateResponse(toTag: "err1");

        if (!test.CanRespond)
        {
            response.ShouldBeNull();
            return;
        }

        response.ShouldNotBeNull();
        response.StatusCode.ShouldBe(test.Kind == SipParseErrorKind.UnsupportedVersion ? 505 : 400);
        response.Headers.First(SipHeaderNames.CallId).ShouldBe(error.Headers.First(SipHeaderNames.CallId));
        response.Headers.First(SipHeaderNames.CSeq).ShouldBe(error.Headers.First(SipHeaderNames.CSeq));
        response.Headers.All(SipHeaderNames.Via).ShouldBe(error.Headers.All(SipHeaderNames.Via));
        var reparsed = SipParser.Parse(SipWriter.ToArray(response));
        reparsed.Status.ShouldNotBe(SipParseStatus.Incomplete);
    }

    [Fact]
    public void ClerrOnAStreamWaitsForTheRestOfTheBody()
    {
        var status = SipParser.TryParse(
            new ReadOnlySequence<byte>(Find("clerr").Bytes), SipFraming.Stream, out var message, out _, out var error);

        status.ShouldBe(SipParseStatus.Incomplete);
        message.ShouldBeNull();
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData("ncl")]
    [InlineData("mcl01")]
    public void AnUnusableContentLengthOnAStreamLosesTheFramingAndConsumesEverything(string name)
    {
        var input = new ReadOnlySequence<byte>(Find(name).Bytes);

        var status = SipParser.TryParse(input, SipFraming.Stream, out _, out var consumed, out var error);

        status.ShouldBe(SipParseStatus.Invalid);
        error!.FramingLost.ShouldBeTrue();
        consumed.ShouldBe(input.End);
    }

    [Fact]
    public void AnInvalidHeaderOnAStreamKeepsTheFramingSoTheNextMessageCanBeRead()
    {
        byte[] bytes = [.. Find("baddate").Bytes, .. TortureMessages.Zeromf];
        var input = new ReadOnlySequence<byte>(bytes);

        SipParser.TryParse(input, SipFraming.Stream, out _, out var consumed, out var error).ShouldBe(SipParseStatus.Invalid);
        error!.FramingLost.ShouldBeFalse();
        SipParser.TryParse(input.Slice(consumed), SipFraming.Stream, out var next, out _, out _).ShouldBe(SipParseStatus.Complete);

        next.ShouldBeOfType<SipRequest>().MaxForwards.ShouldBe(0);
    }

    [Fact]
    public void ABadRequestLineOnAStreamIsRejectedBeforeTheHeadersEnd()
    {
        var bytes = "INVITE  sip:agent@example.com  SIP/2.0\r\nVia: SIP/2.0/UDP h"u8.ToArray();

        var status = SipParser.TryParse(new ReadOnlySequence<byte>(bytes), SipFraming.Stream, out _, out _, out var error);

        status.ShouldBe(SipParseStatus.Invalid);
        error!.Kind.ShouldBe(SipParseErrorKind.BadStartLine);
        error.FramingLost.ShouldBeTrue();
    }

    [Fact]
    public void BadversSuggests505AndKeepsTheMethod()
    {
        var error = SipParser.Parse(Find("badvers").Bytes).Error!;

        error.ResponseStatusCode.ShouldBe(505);
        error.Method.ShouldBe(SipMethod.Options);
        error.CreateResponse()!.StatusCode.ShouldBe(505);
    }

    [Fact]
    public void LtgtruriStillNamesTheMethodOfTheRejectedRequest()
    {
        var error = SipParser.Parse(Find("ltgtruri").Bytes).Error!;

        error.IsRequest.ShouldBeTrue();
        error.Method.ShouldBe(SipMethod.Invite);
    }

    [Fact]
    public void TheSalvagedHeadersKeepAnInvalidValueAsReceivedForEchoing()
    {
        var error = SipParser.Parse(Find("quotbal").Bytes).Error!;

        var to = error.Headers.First(SipHeaderNames.To).ShouldNotBeNull();
        to.IsValid.ShouldBeFalse();
        to.Value.ShouldBe("\"Mr. J. User <sip:j.user@example.com>");
        error.CreateResponse("t1")!.Headers.First(SipHeaderNames.To).ShouldBe(to);
    }

    private static InvalidTortureMessages.Case Find(string name) => InvalidTortureMessages.All.Single(c => c.Name == name);
}
