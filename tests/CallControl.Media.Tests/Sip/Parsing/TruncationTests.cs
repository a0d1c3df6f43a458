using System.Buffers;
using CallControl.Media.Sip.Parsing;
using static CallControl.Media.Tests.Sip.Parsing.ParsingHelpers;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>A stream hands the parser any prefix of a message; every one must ask for more bytes.</summary>
public sealed class TruncationTests
{
    public static TheoryData<string> Names => new(TortureMessages.Valid.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryPrefixOfAValidMessageIsIncompleteOnAStream(string name)
    {
        var bytes = TortureMessages.Valid[name];

        for (var length = 0; length < bytes.Length; length++)
        {
            var input = new ReadOnlySequence<byte>(bytes, 0, length);

            var status = SipParser.TryParse(input, SipFraming.Stream, out var message, out var consumed, out var error);

            if (status != SipParseStatus.Incomplete)
            {
                Assert.Fail($"A prefix of {length} bytes gave {status}: {error?.Detail}");
            }

            message.ShouldBeNull();
            error.ShouldBeNull();
            consumed.ShouldBe(input.Start);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryPrefixSplitIntoSegmentsIsIncompleteToo(string name)
    {
        var bytes = TortureMessages.Valid[name];

        for (var length = 0; length < bytes.Length; length += 1 + length / 16)
        {
            var input = Segmented(bytes[..length], 5);

            SipParser.TryParse(input, SipFraming.Stream, out _, out _, out _).ShouldBe(SipParseStatus.Incomplete);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryProperPrefixOfADatagramIsRejectedNotThrown(string name)
    {
        var bytes = TortureMessages.Valid[name];
        var headLength = bytes.AsSpan().IndexOf("\r\n\r\n"u8) + 4;

        for (var length = 0; length < headLength; length++)
        {
            var result = SipParser.Parse(bytes.AsSpan(0, length));

            result.Status.ShouldBe(SipParseStatus.Invalid);
            result.Error.ShouldNotBeNull();
        }
    }

    [Fact]
    public void KeepAliveLineBreaksBeforeAMessageAreSkippedAndConsumed()
    {
        var input = new ReadOnlySequence<byte>([.. "\r\n\r\n\r\n"u8, .. TortureMessages.Zeromf]);

        var status = SipParser.TryParse(input, SipFraming.Stream, out var message, out var consumed, out _);

        status.ShouldBe(SipParseStatus.Complete);
        message.ShouldBe(ParseValid(TortureMessages.Zeromf));
        consumed.ShouldBe(input.End);
    }

    [Fact]
    public void OnlyKeepAliveLineBreaksAreConsumedWhileWaitingForAMessage()
    {
        var input = new ReadOnlySequence<byte>("\r\n\r\nOPTI"u8.ToArray());

        var status = SipParser.TryParse(input, SipFraming.Stream, out _, out var consumed, out _);

        status.ShouldBe(SipParseStatus.Incomplete);
        input.Slice(consumed).Length.ShouldBe(4);
    }
}
