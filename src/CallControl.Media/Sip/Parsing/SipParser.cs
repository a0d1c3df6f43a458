using System.Buffers;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Parsing;

/// <summary>
/// Reads SIP messages from bytes (RFC 3261 section 7 and 25). Nothing here throws for bad input:
/// every outcome is a <see cref="SipParseStatus"/>, with a <see cref="SipParseError"/> when Invalid.
/// Line breaks before a message (keep-alives) are skipped.
/// </summary>
public static partial class SipParser
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>
    /// Reads the first message in <paramref name="input"/>. <paramref name="consumed"/> is where the next
    /// read starts: after the message when Complete (and when Invalid with the framing intact), after any
    /// skipped line breaks when Incomplete, and the end of the input when the framing is lost.
    /// </summary>
    public static SipParseStatus TryParse(
        in ReadOnlySequence<byte> input,
        SipFraming framing,
        out SipMessage? message,
        out SequencePosition consumed,
        out SipParseError? error)
    {
        var reader = new SequenceReader<byte>(input);
        while (reader.IsNext(CrLf, advancePast: true))
        {
        }

        var rest = input.Slice(reader.Position);
        if (rest.IsSingleSegment)
        {
            return Finish(input, rest, ParseContiguous(rest.FirstSpan, framing, out message, out var used, out error), used, error, out consumed);
        }

        var length = (int)Math.Min(rest.Length, SipLimits.MaxMessageSize + 1L);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            rest.Slice(0, length).CopyTo(buffer);
            var status = ParseContiguous(buffer.AsSpan(0, length), framing, out message, out var used, out error);
            return Finish(input, rest, status, used, error, out consumed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one whole datagram: Complete or Invalid, never Incomplete.</summary>
    public static SipParseResult Parse(ReadOnlySpan<byte> datagram)
    {
        var start = 0;
        while (datagram[start..].StartsWith(CrLf))
        {
            start += 2;
        }

        var status = ParseContiguous(datagram[start..], SipFraming.Datagram, out var message, out _, out var error);
        return new SipParseResult(status, message, error);
    }

    private static SipParseStatus Finish(
        in ReadOnlySequence<byte> input, in ReadOnlySequence<byte> rest, SipParseStatus status, int used, SipParseError? error, out SequencePosition consumed)
    {
        consumed = status switch
        {
            SipParseStatus.Incomplete => rest.Start,
            SipParseStatus.Invalid when error!.FramingLost => input.End,
            _ => rest.GetPosition(used),
        };
        return status;
    }

    private static SipParseStatus ParseContiguous(
        ReadOnlySpan<byte> data, SipFraming framing, out SipMessage? message, out int consumed, out SipParseError? error)
    {
        message = null;
        error = null;
        consumed = 0;
        if (data.IsEmpty)
        {
            return framing == SipFraming.Stream
                ? SipParseStatus.Incomplete
                : Fail(out error, SipParseErrorKind.Empty, "The datagram holds no message.");
        }

        var headEnd = data.IndexOf("\r\n\r\n"u8);
        if (headEnd < 0)
        {
            return ParseUnterminated(data, framing, out error);
        }

        var headLength = headEnd + 4;
        if (headLength > SipLimits.MaxMessageSize)
        {
            return Fail(out error, SipParseErrorKind.MessageTooLarge, "The headers pass the message size limit.", framingLost: true);
        }

        var head = Head.Parse(data[..(headEnd + 2)].ToArray());
        var available = data.Length - headLength;
        int bodyLength;
        if (head.ContentLengthError is { } lengthError)
        {
            error = head.ToError(SipParseErrorKind.BadContentLength, lengthError, SipHeaderNames.ContentLength, framingLost: true);
            return SipParseStatus.Invalid;
        }

        if (head.ContentLength is { } declared)
        {
            if ((long)headLength + declared > SipLimits.MaxMessageSize)
            {
                error = head.ToError(SipParseErrorKind.MessageTooLarge, "Content-Length passes the message size limit.", null, framingLost: true);
                return SipParseStatus.Invalid;
            }

            if (available < declared)
            {
                if (framing == SipFraming.Stream)
                {
                    return SipParseStatus.Incomplete;
                }

                error = head.ToError(SipParseErrorKind.BodyTruncated, "The datagram is shorter than Content-Length.", SipHeaderNames.ContentLength, false);
                return SipParseStatus.Invalid;
            }

            bodyLength = declared;
        }
        else if (framing == SipFraming.Stream)
        {
            error = head.ToError(SipParseErrorKind.MissingContentLength, "A message on a stream needs Content-Length.", SipHeaderNames.ContentLength, true);
            return SipParseStatus.Invalid;
        }
        else
        {
            bodyLength = available;
            if ((long)headLength + bodyLength > SipLimits.MaxMessageSize)
            {
                error = head.ToError(SipParseErrorKind.MessageTooLarge, "The datagram passes the message size limit.", null, true);
                return SipParseStatus.Invalid;
            }
        }

        consumed = headLength + bodyLength;
        if (head.Error is not null)
        {
            error = head.Error;
            return SipParseStatus.Invalid;
        }

        message = head.ToMessage(data.Slice(headLength, bodyLength).ToArray());
        return SipParseStatus.Complete;
    }

    private static SipParseStatus ParseUnterminated(ReadOnlySpan<byte> data, SipFraming framing, out SipParseError? error)
    {
        error = null;
        if (data.Length > SipLimits.MaxMessageSize)
        {
            return Fail(out error, SipParseErrorKind.MessageTooLarge, "No end of headers within the message size limit.", framingLost: true);
        }

        if (framing == SipFraming.Datagram)
        {
            return Fail(out error, SipParseErrorKind.UnterminatedHeaders, "The datagram ends inside the headers.");
        }

        // A stream is rejected early when its start line is already wrong, rather than after 64 KiB.
        var lineEnd = data.IndexOf(CrLf);
        if (lineEnd < 0)
        {
            return data.Length > SipLimits.MaxStartLineLength
                ? Fail(out error, SipParseErrorKind.StartLineTooLong, "The start line is too long.", framingLost: true)
                : SipParseStatus.Incomplete;
        }

        var start = StartLine.Parse(data[..lineEnd]);
        return start.ErrorKind is SipParseErrorKind.BadStartLine or SipParseErrorKind.StartLineTooLong
            ? Fail(out error, start.ErrorKind.Value, start.ErrorDetail!, framingLost: true)
            : SipParseStatus.Incomplete;
    }

    private static SipParseStatus Fail(out SipParseError? error, SipParseErrorKind kind, string detail, bool framingLost = false)
    {
        error = new SipParseError { Kind = kind, Detail = detail, FramingLost = framingLost };
        return SipParseStatus.Invalid;
    }
}
