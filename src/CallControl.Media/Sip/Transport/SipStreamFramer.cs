using System.Buffers;
using System.Text;

namespace CallControl.Media.Sip.Transport;

internal enum SipFrameKind
{
    /// <summary>Not enough bytes yet to tell.</summary>
    Incomplete,

    /// <summary>One whole SIP message of <see cref="SipFrame.Length"/> bytes.</summary>
    Message,

    /// <summary>An RFC 5626 CRLFCRLF ping, to be answered with a CRLF pong.</summary>
    Ping,

    /// <summary>A lone CRLF between messages (a pong or an RFC 3261 section 7.5 keep-alive).</summary>
    KeepAlive,

    /// <summary>The message is or would be over the size limit.</summary>
    TooLarge,

    /// <summary>The bytes cannot be a SIP message, so nothing after them can be framed either.</summary>
    Malformed,
}

internal readonly record struct SipFrame(SipFrameKind Kind, int Length);

/// <summary>
/// Cuts SIP messages out of a TCP byte stream (RFC 3261 section 18.3) without parsing them: the header
/// section ends at the first empty line, and the body is as long as the <c>Content-Length</c> header says
/// (zero when it is missing).
/// </summary>
/// <remarks>
/// Only what framing needs is checked, but strictly, since a stream that loses its framing cannot be
/// trusted again: lines end in CRLF; no control characters but HTAB; the first line has a <c>SIP/</c>
/// version as its first (status line) or last (request line) token; every header line is a name and a colon
/// or a continuation starting with whitespace; <c>Content-Length</c> (or compact <c>l</c>, any case, folded
/// or not) is one decimal number, and repeats must agree. Incomplete input is always answered with
/// <see cref="SipFrameKind.Incomplete"/> and never misread, so the caller can feed any prefix.
/// </remarks>
internal static class SipStreamFramer
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const byte Space = (byte)' ';
    private const byte Tab = (byte)'\t';

    /// <summary>
    /// Every control byte but HTAB. Searched with vector instructions: the buffered header section is
    /// rescanned on each read until it is complete, so this keeps a peer that trickles bytes cheap.
    /// </summary>
    private static readonly SearchValues<byte> ControlBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);

    public static SipFrame Next(in ReadOnlySequence<byte> buffer, int maxMessageSize)
    {
        if (buffer.IsEmpty)
        {
            return new SipFrame(SipFrameKind.Incomplete, 0);
        }

        var reader = new SequenceReader<byte>(buffer);
        return buffer.FirstSpan[0] == Cr ? NextKeepAlive(ref reader) : NextMessage(ref reader, maxMessageSize);
    }

    private static SipFrame NextKeepAlive(ref SequenceReader<byte> reader)
    {
        Span<byte> head = stackalloc byte[4];
        head = head[..(int)Math.Min(reader.Remaining, head.Length)];
        reader.TryCopyTo(head);
        return head switch
        {
            [_] => new SipFrame(SipFrameKind.Incomplete, 0),
            [_, not Lf, ..] => new SipFrame(SipFrameKind.Malformed, 0),
            [_, _] or [_, _, Cr] => new SipFrame(SipFrameKind.Incomplete, 0),
            [_, _, Cr, Lf] => new SipFrame(SipFrameKind.Ping, 4),
            _ => new SipFrame(SipFrameKind.KeepAlive, 2),
        };
    }

    private static SipFrame NextMessage(ref SequenceReader<byte> reader, int maxMessageSize)
    {
        var contentLength = -1L;
        var value = default(ContentLengthValue);
        var inContentLength = false;
        var lines = 0;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySpan<byte> line, Lf))
            {
                return reader.Remaining > maxMessageSize - reader.Consumed ? new SipFrame(SipFrameKind.TooLarge, 0)
                    : IsPartialLineAcceptable(reader.UnreadSequence) ? new SipFrame(SipFrameKind.Incomplete, 0)
                    : new SipFrame(SipFrameKind.Malformed, 0);
            }

            if (reader.Consumed > maxMessageSize)
            {
                return new SipFrame(SipFrameKind.TooLarge, 0);
            }

            if (line.IsEmpty || line[^1] != Cr)
            {
                return new SipFrame(SipFrameKind.Malformed, 0);
            }

            line = line[..^1];
            if (lines++ == 0)
            {
                if (!IsStartLine(line))
                {
                    return new SipFrame(SipFrameKind.Malformed, 0);
                }

                continue;
            }

            if (line.IsEmpty)
            {
                break;
            }

            if (HasControlCharacter(line))
            {
                return new SipFrame(SipFrameKind.Malformed, 0);
            }

            if (line[0] is Space or Tab)
            {
                if (lines == 2 || (inContentLength && !value.Feed(line)))
                {
                    return new SipFrame(SipFrameKind.Malformed, 0);
                }

                continue;
            }

            if (inContentLength && !TryMerge(ref contentLength, value))
            {
                return new SipFrame(SipFrameKind.Malformed, 0);
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return new SipFrame(SipFrameKind.Malformed, 0);
            }

            var name = line[..colon].TrimEnd(" \t"u8);
            if (name.IsEmpty || name.IndexOfAny(Space, Tab) >= 0)
            {
                return new SipFrame(SipFrameKind.Malformed, 0);
            }

            inContentLength = Ascii.EqualsIgnoreCase(name, "Content-Length"u8) || Ascii.EqualsIgnoreCase(name, "l"u8);
            if (inContentLength)
            {
                value = default;
                if (!value.Feed(line[(colon + 1)..]))
                {
                    return new SipFrame(SipFrameKind.Malformed, 0);
                }
            }
        }

        if (inContentLength && !TryMerge(ref contentLength, value))
        {
            return new SipFrame(SipFrameKind.Malformed, 0);
        }

        var total = reader.Consumed + Math.Max(contentLength, 0);
        return total > maxMessageSize ? new SipFrame(SipFrameKind.TooLarge, 0)
            : total > reader.Sequence.Length ? new SipFrame(SipFrameKind.Incomplete, 0)
            : new SipFrame(SipFrameKind.Message, (int)total);
    }

    private static bool TryMerge(ref long contentLength, ContentLengthValue value)
    {
        if (!value.TryGet(out var length) || (contentLength >= 0 && contentLength != length))
        {
            return false;
        }

        contentLength = length;
        return true;
    }

    private static bool IsStartLine(ReadOnlySpan<byte> line)
    {
        if (HasControlCharacter(line))
        {
            return false;
        }

        var firstSpace = line.IndexOf(Space);
        if (firstSpace <= 0)
        {
            return false;
        }

        if (StartsWithSipVersion(line[..firstSpace]))
        {
            return true;
        }

        var lastSpace = line.LastIndexOf(Space);
        return lastSpace > firstSpace && StartsWithSipVersion(line[(lastSpace + 1)..]);
    }

    private static bool StartsWithSipVersion(ReadOnlySpan<byte> token) =>
        token.Length > 4 && Ascii.EqualsIgnoreCase(token[..4], "SIP/"u8);

    /// <summary>The unfinished last line may end in the CR of its CRLF; any other control byte is garbage already.</summary>
    private static bool IsPartialLineAcceptable(ReadOnlySequence<byte> partial)
    {
        var position = 0L;
        foreach (var segment in partial)
        {
            var found = segment.Span.IndexOfAny(ControlBytes);
            if (found >= 0)
            {
                return segment.Span[found] == Cr && position + found == partial.Length - 1;
            }

            position += segment.Length;
        }

        return true;
    }

    private static bool HasControlCharacter(ReadOnlySpan<byte> line) => line.IndexOfAny(ControlBytes) >= 0;

    /// <summary>A Content-Length value read across folded lines: optional whitespace, digits, optional whitespace.</summary>
    private struct ContentLengthValue
    {
        private const long Saturated = int.MaxValue;

        private bool _sawDigit;
        private bool _ended;
        private long _value;

        public bool Feed(ReadOnlySpan<byte> part)
        {
            foreach (var b in part)
            {
                if (b is Space or Tab)
                {
                    _ended |= _sawDigit;
                }
                else if (char.IsAsciiDigit((char)b) && !_ended)
                {
                    _sawDigit = true;
                    _value = Math.Min((_value * 10) + (b - '0'), Saturated);
                }
                else
                {
                    return false;
                }
            }

            return true;
        }

        public readonly bool TryGet(out long value)
        {
            value = _value;
            return _sawDigit;
        }
    }
}
