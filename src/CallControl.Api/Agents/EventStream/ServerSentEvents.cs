using System.Buffers;
using System.Globalization;
using System.Text;

namespace CallControl.Api.Agents.EventStream;

/// <summary>The <c>text/event-stream</c> wire format (WHATWG HTML, "Server-sent events"), written as UTF-8.</summary>
public static class ServerSentEvents
{
    public const string ContentType = "text/event-stream";

    private const int MaxInt64Digits = 20;

    /// <summary>
    /// Writes <c>id: …\nevent: …\ndata: …\n\n</c>. The data is JSON, where a raw line break can only be
    /// whitespace between tokens, so line breaks are dropped: the event is one <c>data:</c> line whatever
    /// formatting the payload was stored with.
    /// </summary>
    public static void WriteEvent(IBufferWriter<byte> output, long id, string type, string data)
    {
        Write(output, "id: "u8);
        var digits = output.GetSpan(MaxInt64Digits);
        if (!id.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A 64-bit integer did not fit in 20 bytes.");
        }

        output.Advance(written);
        Write(output, "\nevent: "u8);
        Encoding.UTF8.GetBytes(type, output);
        Write(output, "\ndata: "u8);
        var rest = data.AsSpan();
        for (var lineBreak = rest.IndexOfAny('\r', '\n'); lineBreak >= 0; lineBreak = rest.IndexOfAny('\r', '\n'))
        {
            Encoding.UTF8.GetBytes(rest[..lineBreak], output);
            rest = rest[(lineBreak + 1)..];
        }

        Encoding.UTF8.GetBytes(rest, output);
        Write(output, "\n\n"u8);
    }

    /// <summary>Writes <c>: text\n\n</c>, a comment that clients ignore (a heartbeat).</summary>
    public static void WriteComment(IBufferWriter<byte> output, string text)
    {
        Write(output, ": "u8);
        Encoding.UTF8.GetBytes(text, output);
        Write(output, "\n\n"u8);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
