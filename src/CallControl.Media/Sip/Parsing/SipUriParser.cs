using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Parsing;

/// <summary>Reads URIs (RFC 3261 19.1 and 25.1, with the IPv6 reference of RFC 5118) from bytes.</summary>
internal static class SipUriParser
{
    /// <summary>Reads the whole span as one URI; false when any part does not fit the grammar.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, [NotNullWhen(true)] out MessageUri? uri)
    {
        uri = null;
        var colon = text.IndexOf((byte)':');
        if (colon <= 0 || !char.IsAsciiLetter((char)text[0]) || text[..colon].ContainsAnyExcept(SipGrammar.Scheme))
        {
            return false;
        }

        var scheme = text[..colon];
        var rest = text[(colon + 1)..];
        if (Ascii.EqualsIgnoreCase(scheme, "sip"u8) || Ascii.EqualsIgnoreCase(scheme, "sips"u8))
        {
            var parsed = TryParseSip(rest, scheme.Length == 4, out var sipUri);
            uri = sipUri;
            return parsed;
        }

        if (rest.IsEmpty || !SipGrammar.IsEscapedText(rest, SipGrammar.OpaqueUriChars))
        {
            return false;
        }

        uri = new OpaqueUri(Encoding.ASCII.GetString(scheme), Encoding.ASCII.GetString(rest));
        return true;
    }

    /// <summary>True for a host name, an IPv4 address or a bracketed IPv6 reference.</summary>
    public static bool IsHost(ReadOnlySpan<byte> host) =>
        host.Length > 0 && host[0] == (byte)'[' ? IsIPv6Reference(host) : IsHostNameOrIPv4(host);

    /// <summary>The length of the host at the start of <paramref name="text"/>, or -1 when there is none.</summary>
    public static int ScanHost(ReadOnlySpan<byte> text)
    {
        int end;
        if (text.Length > 0 && text[0] == (byte)'[')
        {
            end = text.IndexOf((byte)']') + 1;
        }
        else
        {
            end = text.IndexOfAnyExcept(SipGrammar.HostChars);
            end = end < 0 ? text.Length : end;
        }

        return end > 0 && IsHost(text[..end]) ? end : -1;
    }

    /// <summary>Reads <c>:port</c> digits; false when they are missing or out of range.</summary>
    public static bool TryParsePort(ReadOnlySpan<byte> digits, out int port)
    {
        port = 0;
        if (digits.Length is 0 or > 5 || !SipGrammar.TryParseUInt32(digits, out var value) || value > 65535)
        {
            return false;
        }

        port = (int)value;
        return true;
    }

    private static bool TryParseSip(ReadOnlySpan<byte> text, bool secure, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        string? user = null;
        string? password = null;

        // No character after the userinfo may be '@' in a valid URI, so the first one ends the userinfo.
        var at = text.IndexOf((byte)'@');
        if (at >= 0)
        {
            var userInfo = text[..at];
            var colon = userInfo.IndexOf((byte)':');
            var userPart = colon >= 0 ? userInfo[..colon] : userInfo;
            if (userPart.IsEmpty || !SipGrammar.IsEscapedText(userPart, SipGrammar.UserChars))
            {
                return false;
            }

            user = Encoding.ASCII.GetString(userPart);
            if (colon >= 0)
            {
                var passwordPart = userInfo[(colon + 1)..];
                if (!SipGrammar.IsEscapedText(passwordPart, SipGrammar.PasswordChars))
                {
                    return false;
                }

                password = Encoding.ASCII.GetString(passwordPart);
            }

            text = text[(at + 1)..];
        }

        var hostLength = ScanHost(text);
        if (hostLength < 0)
        {
            return false;
        }

        var host = Encoding.ASCII.GetString(text[..hostLength]);
        var i = hostLength;
        int? port = null;
        if (i < text.Length && text[i] == (byte)':')
        {
            var end = text[(i + 1)..].IndexOfAnyExceptInRange((byte)'0', (byte)'9');
            end = end < 0 ? text.Length : i + 1 + end;
            if (!TryParsePort(text[(i + 1)..end], out var value))
            {
                return false;
            }

            port = value;
            i = end;
        }

        var parameters = SipParameters.Empty;
        if (i < text.Length && text[i] == (byte)';')
        {
            if (!TryParseList(text, ref i, (byte)';', SipGrammar.ParamChars, isHeaders: false, out parameters))
            {
                return false;
            }
        }

        var headers = SipParameters.Empty;
        if (i < text.Length && text[i] == (byte)'?')
        {
            if (!TryParseList(text, ref i, (byte)'&', SipGrammar.UriHeaderChars, isHeaders: true, out headers))
            {
                return false;
            }
        }

        if (i != text.Length)
        {
            return false;
        }

        uri = new SipUri
        {
            IsSecure = secure,
            User = user,
            Password = password,
            Host = host,
            Port = port,
            Parameters = parameters,
            Headers = headers,
        };
        return true;
    }

    /// <summary>
    /// Reads <c>;name[=value]</c> uri-parameters or <c>?name=value&amp;…</c> headers; the index starts at the
    /// first separator and ends after the last item.
    /// </summary>
    private static bool TryParseList(
        ReadOnlySpan<byte> text, ref int i, byte separator, SearchValues<byte> allowed, bool isHeaders, out SipParameters list)
    {
        list = SipParameters.Empty;
        var items = ImmutableArray.CreateBuilder<SipParameter>();
        var first = true;
        while (i < text.Length && (text[i] == separator || first))
        {
            first = false;
            i++;
            var nameEnd = SipGrammar.ScanEscaped(text, i, allowed);
            if (nameEnd == i)
            {
                return false;
            }

            var name = Encoding.ASCII.GetString(text[i..nameEnd]);
            i = nameEnd;
            string? value = null;
            if (i < text.Length && text[i] == (byte)'=')
            {
                var valueEnd = SipGrammar.ScanEscaped(text, i + 1, allowed);
                if (valueEnd == i + 1 && !isHeaders)
                {
                    return false;
                }

                value = Encoding.ASCII.GetString(text[(i + 1)..valueEnd]);
                i = valueEnd;
            }
            else if (isHeaders)
            {
                return false;
            }

            items.Add(new SipParameter(name, value));
        }

        list = SipParameters.Of(items);
        return true;
    }

    private static bool IsHostNameOrIPv4(ReadOnlySpan<byte> host)
    {
        if (host.IsEmpty || host.ContainsAnyExcept(SipGrammar.HostChars))
        {
            return false;
        }

        var labels = host[^1] == (byte)'.' ? host[..^1] : host;
        if (labels.IsEmpty)
        {
            return false;
        }

        var allNumeric = !labels.ContainsAnyExcept("0123456789."u8);
        if (allNumeric)
        {
            return IsIPv4(host);
        }

        foreach (var range in labels.Split((byte)'.'))
        {
            var label = labels[range];
            if (label.IsEmpty || label[0] == (byte)'-' || label[^1] == (byte)'-')
            {
                return false;
            }
        }

        // A top label starts with a letter (RFC 3261 25.1), which keeps "1.2.3.4x"-like typos out.
        var lastDot = labels.LastIndexOf((byte)'.');
        return char.IsAsciiLetter((char)labels[lastDot + 1]);
    }

    private static bool IsIPv4(ReadOnlySpan<byte> text)
    {
        var parts = 0;
        foreach (var range in text.Split((byte)'.'))
        {
            var part = text[range];
            if (++parts > 4 || part.Length is 0 or > 3 || !SipGrammar.TryParseUInt32(part, out var value) || value > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    private static bool IsIPv6Reference(ReadOnlySpan<byte> text)
    {
        if (text.Length < 4 || text[0] != (byte)'[' || text[^1] != (byte)']')
        {
            return false;
        }

        var inner = text[1..^1];
        if (inner.Length > 45 || inner.ContainsAnyExcept("0123456789abcdefABCDEF:."u8) || !inner.Contains((byte)':'))
        {
            return false;
        }

        Span<char> chars = stackalloc char[inner.Length];
        for (var i = 0; i < inner.Length; i++)
        {
            chars[i] = (char)inner[i];
        }

        return IPAddress.TryParse(chars, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }
}
