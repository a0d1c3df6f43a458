using System.Buffers;

namespace CallControl.Media.Sip.Parsing;

/// <summary>Character classes and small scanners of the RFC 3261 grammar (section 25), over bytes.</summary>
internal static class SipGrammar
{
    public static readonly SearchValues<byte> Token = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~"u8);

    public static readonly SearchValues<byte> Scheme = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-."u8);

    /// <summary>unreserved / user-unreserved; '%' is checked separately as an escape.</summary>
    public static readonly SearchValues<byte> UserChars = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()&=+$,;?/"u8);

    public static readonly SearchValues<byte> PasswordChars = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()&=+$,"u8);

    public static readonly SearchValues<byte> HostChars = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-."u8);

    /// <summary>paramchar: param-unreserved / unreserved.</summary>
    public static readonly SearchValues<byte> ParamChars = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()[]/:&+$"u8);

    /// <summary>hnv-unreserved / unreserved, for URI headers.</summary>
    public static readonly SearchValues<byte> UriHeaderChars = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()[]/?:+$"u8);

    /// <summary>uric of an absolute URI (reserved / unreserved), plus brackets for IPv6 hosts.</summary>
    public static readonly SearchValues<byte> OpaqueUriChars = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'();/?:@&=+$,[]"u8);

    /// <summary>The characters of a Call-ID word.</summary>
    public static readonly SearchValues<byte> Word = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~()<>:\\\"/[]?{}"u8);

    /// <summary>A generic parameter value written without quotes: token, host or IPv6 address.</summary>
    public static readonly SearchValues<byte> ParamValue = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~:[]"u8);

    /// <summary>A display name written without quotes: tokens separated by whitespace.</summary>
    public static readonly SearchValues<byte> TokenOrWhitespace = SearchValues.Create(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~ \t"u8);

    public static readonly SearchValues<byte> Digits = SearchValues.Create("0123456789"u8);

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    public static bool IsToken(ReadOnlySpan<byte> text) => !text.IsEmpty && !text.ContainsAnyExcept(Token);

    public static int SkipWhitespace(ReadOnlySpan<byte> text, int index)
    {
        while (index < text.Length && IsWhitespace(text[index]))
        {
            index++;
        }

        return index;
    }

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text) => text.Trim(" \t"u8);

    /// <summary>The end of a run of allowed characters and valid %HH escapes from <paramref name="start"/>.</summary>
    public static int ScanEscaped(ReadOnlySpan<byte> text, int start, SearchValues<byte> allowed)
    {
        var i = start;
        while (i < text.Length)
        {
            if (allowed.Contains(text[i]))
            {
                i++;
            }
            else if (text[i] == (byte)'%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                i += 3;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    /// <summary>True when the whole text is allowed characters and valid escapes.</summary>
    public static bool IsEscapedText(ReadOnlySpan<byte> text, SearchValues<byte> allowed) =>
        ScanEscaped(text, 0, allowed) == text.Length;

    /// <summary>
    /// The index just past the closing quote of a quoted-string starting at <paramref name="start"/>,
    /// or -1 when it is unterminated or holds a character a quoted-string may not.
    /// </summary>
    public static int ScanQuotedString(ReadOnlySpan<byte> text, int start)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            var b = text[i];
            if (b == (byte)'"')
            {
                return i + 1;
            }

            if (b == (byte)'\\')
            {
                if (i + 1 >= text.Length || text[i + 1] is (byte)'\r' or (byte)'\n' or >= 0x80)
                {
                    return -1;
                }

                i++;
            }
            else if (b < 0x20 && b != (byte)'\t' || b == 0x7F)
            {
                return -1;
            }
        }

        return -1;
    }

    /// <summary>The content of a quoted-string (quotes included in the input) with quoted-pairs undone.</summary>
    public static byte[] Unquote(ReadOnlySpan<byte> quoted)
    {
        var inner = quoted[1..^1];
        var result = new byte[inner.Length];
        var length = 0;
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == (byte)'\\' && i + 1 < inner.Length)
            {
                i++;
            }

            result[length++] = inner[i];
        }

        return result[..length];
    }

    /// <summary>Decodes %HH escapes; anything that is not a valid escape is copied as is.</summary>
    public static byte[] Unescape(ReadOnlySpan<byte> text)
    {
        var result = new byte[text.Length];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                result[length++] = (byte)(HexValue(text[i + 1]) << 4 | HexValue(text[i + 2]));
                i += 2;
            }
            else
            {
                result[length++] = text[i];
            }
        }

        return result[..length];
    }

    /// <summary>Reads 1*DIGIT (leading zeros allowed) that fits a uint; false on anything else.</summary>
    public static bool TryParseUInt32(ReadOnlySpan<byte> digits, out uint value)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            return false;
        }

        ulong result = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            result = result * 10 + (uint)(b - '0');
            if (result > uint.MaxValue)
            {
                return false;
            }
        }

        value = (uint)result;
        return true;
    }

    public static bool IsDigits(ReadOnlySpan<byte> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
