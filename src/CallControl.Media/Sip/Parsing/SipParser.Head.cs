using System.Text;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Parsing;

public static partial class SipParser
{
    private static readonly string[] SingleValuedHeaders =
        [SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq, SipHeaderNames.MaxForwards, SipHeaderNames.ContentType];

    private static readonly string[] RequiredHeaders =
        [SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq];

    /// <summary>The first thing found wrong while reading a head.</summary>
    private readonly record struct Fault(SipParseErrorKind Kind, string Detail, string? HeaderName);

    /// <summary>
    /// The start line and header fields of one message, read from its own copy of the bytes (which the
    /// header values point into), with the first fault found and the declared Content-Length.
    /// </summary>
    private sealed class Head
    {
        private readonly StartLine _start;
        private readonly SipHeaderList _headers;

        private Head(StartLine start, SipHeaderList headers, SipParseError? error, int? contentLength, string? contentLengthError)
        {
            _start = start;
            _headers = headers;
            Error = error;
            ContentLength = contentLength;
            ContentLengthError = contentLengthError;
        }

        public SipParseError? Error { get; }

        public int? ContentLength { get; }

        public string? ContentLengthError { get; }

        /// <summary>Reads a head: start line and header lines, each ending in CRLF, without the empty line.</summary>
        public static Head Parse(byte[] head)
        {
            var span = head.AsSpan();
            var lineEnd = span.IndexOf(CrLf);
            var start = StartLine.Parse(span[..lineEnd]);
            Fault? fault = start.ErrorKind is { } kind ? new Fault(kind, start.ErrorDetail!, null) : null;
            var headers = new List<SipHeader>();
            var position = lineEnd + 2;
            while (position < head.Length)
            {
                var fieldStart = position;
                var fieldEnd = position + span[position..].IndexOf(CrLf);
                while (fieldEnd + 2 < head.Length && SipGrammar.IsWhitespace(head[fieldEnd + 2]))
                {
                    fieldEnd = fieldEnd + 2 + span[(fieldEnd + 2)..].IndexOf(CrLf);
                }

                position = fieldEnd + 2;
                if (headers.Count == SipLimits.MaxHeaderCount)
                {
                    fault ??= new Fault(SipParseErrorKind.TooManyHeaders, "The message has too many header fields.", null);
                    break;
                }

                var header = ReadField(head, fieldStart, fieldEnd, out var fieldFault);
                fault ??= fieldFault;
                if (header is not null)
                {
                    headers.Add(header);
                }
            }

            var list = SipHeaderList.Of(headers);
            var (contentLength, contentLengthError) = ReadContentLength(list);
            fault ??= CheckMessage(start, list);
            var error = fault is { } found
                ? ToError(start, list, found.Kind, found.Detail, found.HeaderName, framingLost: false)
                : null;
            return new Head(start, list, error, contentLength, contentLengthError);
        }

        public SipParseError ToError(SipParseErrorKind kind, string detail, string? headerName, bool framingLost) =>
            ToError(_start, _headers, kind, detail, headerName, framingLost);

        public SipMessage ToMessage(byte[] body) => _start.IsRequest
            ? new SipRequest { Method = _start.Method!.Value, RequestUri = _start.RequestUri!, Headers = _headers, Body = body }
            : new SipResponse { StatusCode = _start.StatusCode, ReasonPhrase = _start.ReasonPhrase, Headers = _headers, Body = body };

        private static SipParseError ToError(
            StartLine start, SipHeaderList headers, SipParseErrorKind kind, string detail, string? headerName, bool framingLost) =>
            new()
            {
                Kind = kind,
                Detail = detail,
                HeaderName = headerName,
                IsRequest = start.IsRequest,
                Method = start.Method,
                Headers = headers,
                FramingLost = framingLost,
            };

        private static SipHeader? ReadField(byte[] head, int start, int end, out Fault? fault)
        {
            fault = null;
            var field = head.AsSpan(start, end - start);
            if (field.Length > SipLimits.MaxHeaderFieldLength)
            {
                fault = new Fault(SipParseErrorKind.HeaderTooLong, "A header field is too long.", null);
                return null;
            }

            var colon = field.IndexOf((byte)':');
            var nameBytes = colon > 0 ? field[..colon].TrimEnd(" \t"u8) : [];
            if (!SipGrammar.IsToken(nameBytes))
            {
                fault = new Fault(SipParseErrorKind.BadHeaderLine, "A header line has no 'name:'.", null);
                return null;
            }

            var name = SipHeaderNames.Find(nameBytes) ?? Encoding.ASCII.GetString(nameBytes);
            var value = Unfold(head, start + colon + 1, end);
            var span = value.Span;
            object? parsed = null;
            var valid = !HasBareControl(span) && SipHeaderValues.TryParse(name, span, out parsed);
            if (!valid)
            {
                fault = new Fault(SipParseErrorKind.BadHeaderValue, $"The {name} header value is not valid.", name);
            }

            return new SipHeader(name, value, valid, parsed);
        }

        /// <summary>Control characters may appear only escaped, as the second half of a quoted-pair.</summary>
        private static bool HasBareControl(ReadOnlySpan<byte> value)
        {
            for (var i = 0; i < value.Length; i++)
            {
                if ((value[i] < 0x20 && value[i] != (byte)'\t' || value[i] == 0x7F) && (i == 0 || value[i - 1] != (byte)'\\'))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The value of a field with its folds undone: each line break and the whitespace after it become
        /// one space; whitespace around the value is dropped. Unfolded values point into the head itself.
        /// </summary>
        private static ReadOnlyMemory<byte> Unfold(byte[] head, int start, int end)
        {
            var raw = head.AsSpan(start, end - start);
            if (!raw.Contains((byte)'\r'))
            {
                var trimmedStart = start + (raw.Length - raw.TrimStart(" \t"u8).Length);
                var trimmedLength = raw.Trim(" \t"u8).Length;
                return head.AsMemory(trimmedStart, trimmedLength);
            }

            var unfolded = new byte[raw.Length];
            var length = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] == (byte)'\r' && i + 1 < raw.Length && raw[i + 1] == (byte)'\n')
                {
                    i = SipGrammar.SkipWhitespace(raw, i + 2) - 1;
                    unfolded[length++] = (byte)' ';
                }
                else
                {
                    unfolded[length++] = raw[i];
                }
            }

            var value = unfolded.AsSpan(0, length);
            var offset = length - value.TrimStart(" \t"u8).Length;
            return unfolded.AsMemory(offset, value.Trim(" \t"u8).Length);
        }

        private static (int? Length, string? Error) ReadContentLength(SipHeaderList headers)
        {
            var header = headers.First(SipHeaderNames.ContentLength);
            if (header is null)
            {
                return (null, null);
            }

            if (headers.CountOf(SipHeaderNames.ContentLength) > 1)
            {
                return (null, "Content-Length appears more than once.");
            }

            return header.Parsed is int length ? (length, null) : (null, "Content-Length is not a non-negative number.");
        }

        private static Fault? CheckMessage(StartLine start, SipHeaderList headers)
        {
            foreach (var name in SingleValuedHeaders)
            {
                if (headers.CountOf(name) > 1)
                {
                    return new Fault(SipParseErrorKind.DuplicateHeader, $"{name} appears more than once.", name);
                }
            }

            foreach (var name in RequiredHeaders)
            {
                if (!headers.Contains(name))
                {
                    return new Fault(SipParseErrorKind.MissingHeader, $"{name} is missing.", name);
                }
            }

            var contacts = headers.All(SipHeaderNames.Contact).ToList();
            if (contacts.Count > 1 && contacts.Exists(c => c.Parsed is ContactValues { IsWildcard: true }))
            {
                return new Fault(SipParseErrorKind.BadHeaderValue, "Contact: * must stand alone.", SipHeaderNames.Contact);
            }

            if (start.IsRequest && headers.First(SipHeaderNames.CSeq)?.Parsed is CSeq cseq && cseq.Method != start.Method)
            {
                return new Fault(SipParseErrorKind.MethodMismatch, "The CSeq method differs from the request method.", SipHeaderNames.CSeq);
            }

            return null;
        }
    }
}
