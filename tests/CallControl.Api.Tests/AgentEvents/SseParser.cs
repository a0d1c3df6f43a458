using System.Buffers;
using System.Text;

namespace CallControl.Api.Tests.AgentEvents;

/// <summary>
/// One block of a <c>text/event-stream</c>: the lines up to a blank line. A heartbeat is a block with only a
/// comment; an event has <see cref="Data"/>.
/// </summary>
public sealed record SseMessage(string? Id, string? Event, string? Data, IReadOnlyList<string> Comments)
{
    public bool IsEvent => Data is not null;
}

/// <summary>A parser of the event-stream format for tests: fields <c>id</c>, <c>event</c>, <c>data</c> and comments; lines end in LF or CRLF.</summary>
public static class SseParser
{
    /// <summary>
    /// Takes one block from the front of <paramref name="buffer"/>. False, with the buffer untouched, when the
    /// block has not fully arrived.
    /// </summary>
    public static bool TryParseMessage(ref ReadOnlySequence<byte> buffer, out SseMessage message)
    {
        message = new SseMessage(null, null, null, []);
        var reader = new SequenceReader<byte>(buffer);
        string? id = null;
        string? type = null;
        StringBuilder? data = null;
        var comments = new List<string>();
        var sawLine = false;
        while (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            var text = Encoding.UTF8.GetString(line).TrimEnd('\r');
            if (text.Length == 0)
            {
                if (!sawLine)
                {
                    // Blank lines between blocks carry nothing.
                    continue;
                }

                buffer = buffer.Slice(reader.Position);
                message = new SseMessage(id, type, data?.ToString(), comments);
                return true;
            }

            sawLine = true;
            if (text[0] == ':')
            {
                comments.Add(text[1..].TrimStart(' '));
                continue;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? text : text[..colon];
            var value = colon < 0 ? string.Empty : text[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (name)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
                    break;
            }
        }

        return false;
    }

    /// <summary>Every block of a complete stream, for tests of the parser and the writer.</summary>
    public static IReadOnlyList<SseMessage> ParseAll(ReadOnlySpan<byte> stream)
    {
        var buffer = new ReadOnlySequence<byte>(stream.ToArray());
        var messages = new List<SseMessage>();
        while (TryParseMessage(ref buffer, out var message))
        {
            messages.Add(message);
        }

        return messages;
    }
}
