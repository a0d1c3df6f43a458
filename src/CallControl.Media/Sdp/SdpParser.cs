using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;

namespace CallControl.Media.Sdp;

/// <summary>
/// Reads an SDP body (RFC 8866) from its UTF-8 bytes. Bad input never throws: it yields an
/// <see cref="SdpError"/>. CRLF and bare LF line endings are both accepted, as are blank lines.
/// </summary>
public static partial class SdpParser
{
    /// <summary>Parses a whole body; on failure <paramref name="error"/> says what and where.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, [NotNullWhen(true)] out SdpSession? session, out SdpError error)
    {
        session = null;
        error = Check(body);
        if (error.Code != SdpErrorCode.None)
        {
            return false;
        }

        var reader = new SessionReader();
        var lineNumber = 0;
        var lineCount = 0;
        var rest = body;
        while (!rest.IsEmpty)
        {
            lineNumber++;
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            error = CheckLine(line, lineNumber, ++lineCount);
            if (error.Code == SdpErrorCode.None)
            {
                error = reader.Accept((char)line[0], line[2..], lineNumber);
            }

            if (error.Code != SdpErrorCode.None)
            {
                return false;
            }
        }

        error = reader.Finish(out session);
        return error.Code == SdpErrorCode.None;
    }

    private static SdpError Check(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return new SdpError(SdpErrorCode.Empty, 0, "The body is empty.");
        }

        if (body.Length > SdpLimits.MaxBodyBytes)
        {
            return new SdpError(SdpErrorCode.TooLarge, 0, $"The body is larger than {SdpLimits.MaxBodyBytes} bytes.");
        }

        return Utf8.IsValid(body)
            ? SdpError.None
            : new SdpError(SdpErrorCode.InvalidCharacter, 0, "The body is not UTF-8.");
    }

    private static SdpError CheckLine(ReadOnlySpan<byte> line, int lineNumber, int lineCount)
    {
        if (lineCount > SdpLimits.MaxLines)
        {
            return new SdpError(SdpErrorCode.TooManyLines, lineNumber, $"More than {SdpLimits.MaxLines} lines.");
        }

        if (line.Length > SdpLimits.MaxLineBytes)
        {
            return new SdpError(SdpErrorCode.LineTooLong, lineNumber, $"The line is longer than {SdpLimits.MaxLineBytes} bytes.");
        }

        // Tab is the only control character text fields may hold; a stray CR or NUL is never valid.
        if (line.IndexOfAnyInRange((byte)0x00, (byte)0x08) >= 0 || line.IndexOfAnyInRange((byte)0x0A, (byte)0x1F) >= 0 || line.Contains((byte)0x7F))
        {
            return new SdpError(SdpErrorCode.InvalidCharacter, lineNumber, "The line holds a control character.");
        }

        return line.Length < 2 || line[1] != (byte)'=' || line[0] < (byte)'a' || line[0] > (byte)'z'
            ? new SdpError(SdpErrorCode.InvalidLine, lineNumber, "The line is not <letter>=<value>.")
            : SdpError.None;
    }

    private static string Text(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);

    /// <summary>Splits on spaces, skipping empty tokens; -1 when there are more tokens than room.</summary>
    private static int Tokenize(ReadOnlySpan<byte> value, Span<Range> tokens)
    {
        var count = 0;
        foreach (var range in value.Split((byte)' '))
        {
            if (value[range].IsEmpty)
            {
                continue;
            }

            if (count == tokens.Length)
            {
                return -1;
            }

            tokens[count++] = range;
        }

        return count;
    }

    private static bool TryParseNumber(ReadOnlySpan<byte> digits, ulong max, out ulong value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 20)
        {
            return false;
        }

        foreach (var digit in digits)
        {
            var d = (uint)(digit - (byte)'0');
            if (d > 9 || value > (max - d) / 10)
            {
                return false;
            }

            value = value * 10 + d;
        }

        return true;
    }

    private static bool TryParseInt(ReadOnlySpan<byte> digits, int min, int max, out int value)
    {
        value = 0;
        if (!TryParseNumber(digits, (ulong)max, out var number) || number < (ulong)min)
        {
            return false;
        }

        value = (int)number;
        return true;
    }

    private static bool TryParseAddress(ReadOnlySpan<byte> netType, ReadOnlySpan<byte> addressType, ReadOnlySpan<byte> host, out SdpAddress address)
    {
        address = default;
        SdpAddressType type;
        if (addressType.SequenceEqual("IP4"u8))
        {
            type = SdpAddressType.IP4;
        }
        else if (addressType.SequenceEqual("IP6"u8))
        {
            type = SdpAddressType.IP6;
        }
        else
        {
            return false;
        }

        // An IPv6 address in brackets is not RFC 8866 syntax, but SIP-minded senders write it so; the
        // address is plain once the brackets go.
        if (type == SdpAddressType.IP6 && host is [(byte)'[', .., (byte)']'])
        {
            host = host[1..^1];
        }

        var hostText = Text(host);
        if (!netType.SequenceEqual("IN"u8) || !SdpHost.IsValid(hostText, type))
        {
            return false;
        }

        address = new SdpAddress(type, hostText);
        return true;
    }

    private static SdpError Fail(SdpErrorCode code, int line, string detail) => new(code, line, detail);
}
