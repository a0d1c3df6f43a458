using System.Text;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Parsing;

public static partial class SipParser
{
    /// <summary>A Request-Line or Status-Line (RFC 3261 7.1 and 7.2), read strictly: single spaces, nothing trailing.</summary>
    private sealed record StartLine
    {
        public bool IsRequest { get; private init; }

        public SipMethod? Method { get; private init; }

        public MessageUri? RequestUri { get; private init; }

        public int StatusCode { get; private init; }

        public string ReasonPhrase { get; private init; } = string.Empty;

        public SipParseErrorKind? ErrorKind { get; private init; }

        public string? ErrorDetail { get; private init; }

        public static StartLine Parse(ReadOnlySpan<byte> line)
        {
            if (line.Length > SipLimits.MaxStartLineLength)
            {
                return Failed(SipParseErrorKind.StartLineTooLong, "The start line is too long.", !line.StartsWith("SIP/"u8), null);
            }

            return line.Length >= 4 && Ascii.EqualsIgnoreCase(line[..4], "SIP/"u8) ? ParseStatusLine(line) : ParseRequestLine(line);
        }

        private static StartLine ParseRequestLine(ReadOnlySpan<byte> line)
        {
            var firstSpace = line.IndexOf((byte)' ');
            SipMethod? method = firstSpace > 0 && SipMethod.TryParse(line[..firstSpace], out var token) ? token : null;
            var lastSpace = line.LastIndexOf((byte)' ');
            if (method is null || lastSpace == firstSpace)
            {
                return Failed(SipParseErrorKind.BadStartLine, "The Request-Line is not 'method SP Request-URI SP SIP-Version'.", true, method);
            }

            var uriText = line[(firstSpace + 1)..lastSpace];
            if (uriText.IsEmpty || uriText.ContainsAny(" \t"u8))
            {
                return Failed(SipParseErrorKind.BadStartLine, "The Request-Line has extra whitespace.", true, method);
            }

            var version = line[(lastSpace + 1)..];
            if (!IsVersion(version))
            {
                return Failed(SipParseErrorKind.BadStartLine, "The Request-Line does not end with a SIP version.", true, method);
            }

            // The headers part of a SIP URI has no place in a Request-URI (RFC 3261 19.1.5).
            if (!SipUriParser.TryParse(uriText, out var uri) || uri is SipUri { Headers.Count: > 0 })
            {
                return Failed(SipParseErrorKind.BadStartLine, "The Request-URI is not a valid URI.", true, method);
            }

            if (!IsVersion20(version))
            {
                return Failed(SipParseErrorKind.UnsupportedVersion, "Only SIP/2.0 is supported.", true, method);
            }

            return new StartLine { IsRequest = true, Method = method, RequestUri = uri };
        }

        private static StartLine ParseStatusLine(ReadOnlySpan<byte> line)
        {
            var space = line.IndexOf((byte)' ');
            if (space < 0 || !IsVersion(line[..space]))
            {
                return Failed(SipParseErrorKind.BadStartLine, "The Status-Line does not start with a SIP version.", false, null);
            }

            var rest = line[(space + 1)..];
            if (rest.Length < 3 || (rest.Length > 3 && rest[3] != (byte)' ') || !SipGrammar.IsDigits(rest[..3]))
            {
                return Failed(SipParseErrorKind.BadStartLine, "The status code is not three digits.", false, null);
            }

            var code = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
            var reason = rest.Length > 4 ? rest[4..] : [];
            if (code is < 100 or > 699 || reason.IndexOfAnyInRange((byte)0, (byte)0x08) >= 0
                || reason.IndexOfAnyInRange((byte)0x0A, (byte)0x1F) >= 0 || reason.Contains((byte)0x7F))
            {
                return Failed(SipParseErrorKind.BadStartLine, "The status code or reason phrase is not valid.", false, null);
            }

            if (!IsVersion20(line[..space]))
            {
                return Failed(SipParseErrorKind.UnsupportedVersion, "Only SIP/2.0 is supported.", false, null);
            }

            return new StartLine { StatusCode = code, ReasonPhrase = Encoding.UTF8.GetString(reason) };
        }

        private static bool IsVersion(ReadOnlySpan<byte> text)
        {
            if (text.Length < 7 || !Ascii.EqualsIgnoreCase(text[..4], "SIP/"u8))
            {
                return false;
            }

            var number = text[4..];
            var dot = number.IndexOf((byte)'.');
            return dot > 0 && SipGrammar.IsDigits(number[..dot]) && SipGrammar.IsDigits(number[(dot + 1)..]);
        }

        private static bool IsVersion20(ReadOnlySpan<byte> text) => text[4..].SequenceEqual("2.0"u8);

        private static StartLine Failed(SipParseErrorKind kind, string detail, bool isRequest, SipMethod? method) =>
            new() { IsRequest = isRequest, Method = method, ErrorKind = kind, ErrorDetail = detail };
    }
}
