using System.Buffers;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Tests.Sip.Parsing;

internal static class ParsingHelpers
{
    public static SipMessage ParseValid(byte[] bytes)
    {
        var result = SipParser.Parse(bytes);
        result.Error.ShouldBeNull();
        result.Status.ShouldBe(SipParseStatus.Complete);
        return result.Message.ShouldNotBeNull();
    }

    public static SipRequest ParseRequest(byte[] bytes) => ParseValid(bytes).ShouldBeOfType<SipRequest>();

    public static SipResponse ParseResponse(byte[] bytes) => ParseValid(bytes).ShouldBeOfType<SipResponse>();

    public static SipUri Sip(this MessageUri uri) => uri.ShouldBeOfType<SipUri>();

    /// <summary>The bytes as a sequence of segments of at most <paramref name="segmentLength"/> bytes.</summary>
    public static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentLength)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentLength)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset));
            if (last is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last.Append(memory);
            }
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
