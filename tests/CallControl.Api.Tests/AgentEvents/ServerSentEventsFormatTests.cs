using System.Buffers;
using System.Text;
using CallControl.Api.Agents.EventStream;

namespace CallControl.Api.Tests.AgentEvents;

public sealed class ServerSentEventsFormatTests
{
    [Fact]
    public void AnEventIsWrittenAsIdEventAndOneDataLine()
    {
        var output = new ArrayBufferWriter<byte>();

        ServerSentEvents.WriteEvent(output, 17, "conversationUpdate", """{"agentId":"a1","sequence":17}""");

        Encoding.UTF8.GetString(output.WrittenSpan).ShouldBe("id: 17\nevent: conversationUpdate\ndata: {\"agentId\":\"a1\",\"sequence\":17}\n\n");
    }

    [Fact]
    public void LineBreaksBetweenJsonTokensAreDroppedSoTheDataStaysOneLine()
    {
        var output = new ArrayBufferWriter<byte>();

        ServerSentEvents.WriteEvent(output, 1, "conversationUpdate", "{\r\n  \"agentId\": \"a1\",\n  \"name\": \"Zoë\\nline\"\r}");

        var message = SseParser.ParseAll(output.WrittenSpan).ShouldHaveSingleItem();
        message.Data.ShouldBe("{  \"agentId\": \"a1\",  \"name\": \"Zoë\\nline\"}");
        System.Text.Json.JsonDocument.Parse(message.Data!).RootElement.GetProperty("name").GetString().ShouldBe("Zoë\nline");
    }

    [Fact]
    public void AHeartbeatIsACommentBlock()
    {
        var output = new ArrayBufferWriter<byte>();

        ServerSentEvents.WriteComment(output, "heartbeat");

        Encoding.UTF8.GetString(output.WrittenSpan).ShouldBe(": heartbeat\n\n");
    }

    [Fact]
    public void EveryTruncationOfAStreamParsesToItsCompleteBlocksOnly()
    {
        var stream = "id: 1\nevent: conversationUpdate\ndata: {\"a\":1}\n\n: heartbeat\n\nid: 2\r\nevent: conversationUpdate\r\ndata: x\r\ndata: y\r\n\r\n"u8.ToArray();
        var whole = SseParser.ParseAll(stream);
        whole.Select(m => (m.Id, m.Event, m.Data)).ShouldBe(
        [
            ("1", "conversationUpdate", "{\"a\":1}"),
            (null, null, null),
            ("2", "conversationUpdate", "x\ny"),
        ]);

        for (var length = 0; length <= stream.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(stream, 0, length);
            var parsed = new List<SseMessage>();
            while (SseParser.TryParseMessage(ref buffer, out var message))
            {
                parsed.Add(message);
            }

            // What did not parse is left for the next read, and with the rest of the stream gives the remaining blocks.
            var rest = buffer.ToArray().Concat(stream[length..]).ToArray();
            parsed.AddRange(SseParser.ParseAll(rest));
            parsed.Select(m => (m.Id, m.Event, m.Data, string.Join("|", m.Comments)))
                .ShouldBe(whole.Select(m => (m.Id, m.Event, m.Data, string.Join("|", m.Comments))), $"cut after {length} bytes");
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void ALastEventIdIsAbsentOrDigits(string? value, long? expected)
    {
        AgentEventStreamEndpoints.TryParseLastEventId(value, out var lastEventId).ShouldBeTrue();
        lastEventId.ShouldBe(expected);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData(" 1")]
    [InlineData("9223372036854775808")]
    public void ALastEventIdThatIsNotASequenceIsRejected(string value) =>
        AgentEventStreamEndpoints.TryParseLastEventId(value, out _).ShouldBeFalse();
}
