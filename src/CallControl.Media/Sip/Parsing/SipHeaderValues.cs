using System.Buffers;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Parsing;

/// <summary>
/// Checks and reads the values of the headers this stack uses (RFC 3261 section 25) from bytes. A
/// header without a reader here is carried as is.
/// </summary>
internal static class SipHeaderValues
{
    /// <summary>
    /// Reads a value of the named (canonical) header. True with <paramref name="parsed"/> null for a header
    /// that is only checked or not known.
    /// </summary>
    public static bool TryParse(string name, ReadOnlySpan<byte> value, out object? parsed)
    {
        parsed = null;
        switch (name)
        {
            case SipHeaderNames.Via:
                return TryParseList<Via>(value, TryParseVia, out var vias) && Box(vias, out parsed);
            case SipHeaderNames.From or SipHeaderNames.To:
                return TryParseNameAddress(value, allowAddrSpec: true, out var address) && Box(address, out parsed);
            case SipHeaderNames.Contact:
                return TryParseContact(value, out parsed);
            case SipHeaderNames.Route or SipHeaderNames.RecordRoute:
                return TryParseList<NameAddress>(value, TryParseRoute, out var routes) && Box(routes, out parsed);
            case SipHeaderNames.CallId:
                return TryParseCallId(value, out parsed);
            case SipHeaderNames.CSeq:
                return TryParseCSeq(value, out var cseq) && Box(cseq, out parsed);
            case SipHeaderNames.MaxForwards:
                return SipGrammar.TryParseUInt32(value, out var hops) && hops <= 255 && Box((int)hops, out parsed);
            case SipHeaderNames.ContentLength:
                return SipGrammar.TryParseUInt32(value, out var length) && length <= int.MaxValue && Box((int)length, out parsed);
            case SipHeaderNames.ContentType:
                return TryParseMediaType(value) && Box(Encoding.UTF8.GetString(value), out parsed);
            case SipHeaderNames.Expires or "Min-Expires":
                return SipGrammar.IsDigits(value);
            case SipHeaderNames.RetryAfter:
                return IsRetryAfter(value);
            case SipHeaderNames.Date:
                return IsRfc1123Date(value);
            case SipHeaderNames.Warning:
                return TryParseList<object>(value, IsWarningValue, out _);
            case SipHeaderNames.Allow or SipHeaderNames.Supported or SipHeaderNames.Require
                or SipHeaderNames.ProxyRequire or SipHeaderNames.Unsupported:
                return value.IsEmpty || TryParseList<object>(value, IsTokenItem, out _);
            default:
                return true;
        }
    }

    /// <summary>One name-addr or addr-spec with its header parameters (From, To, a Contact item).</summary>
    public static bool TryParseNameAddress(ReadOnlySpan<byte> text, bool allowAddrSpec, [NotNullWhen(true)] out NameAddress? result)
    {
        result = null;
        var i = SipGrammar.SkipWhitespace(text, 0);
        if (i >= text.Length)
        {
            return false;
        }

        string? displayName;
        MessageUri? uri;
        if (text[i] == (byte)'"')
        {
            var end = SipGrammar.ScanQuotedString(text, i);
            if (end < 0)
            {
                return false;
            }

            displayName = Encoding.UTF8.GetString(SipGrammar.Unquote(text[i..end]));
            i = SipGrammar.SkipWhitespace(text, end);
            if (i >= text.Length || text[i] != (byte)'<')
            {
                return false;
            }
        }
        else if (text.IndexOf((byte)'<') is var open and >= 0)
        {
            var tokens = SipGrammar.Trim(text[i..open]);
            if (tokens.ContainsAnyExcept(SipGrammar.TokenOrWhitespace))
            {
                return false;
            }

            displayName = tokens.IsEmpty ? null : Encoding.UTF8.GetString(tokens);
            i = open;
        }
        else
        {
            if (!allowAddrSpec)
            {
                return false;
            }

            // Without brackets the URI ends at the first ';' and may not hold '?' or ','; any ';' that
            // follows starts header parameters.
            var end = text[i..].IndexOfAny((byte)';', (byte)' ', (byte)'\t');
            end = end < 0 ? text.Length : i + end;
            var spec = text[i..end];
            if (spec.IndexOfAny((byte)'?', (byte)',') >= 0 || !SipUriParser.TryParse(spec, out uri))
            {
                return false;
            }

            return TryFinishNameAddress(text, end, null, uri, out result);
        }

        var close = text[i..].IndexOf((byte)'>');
        if (close < 0 || !SipUriParser.TryParse(text[(i + 1)..(i + close)], out uri))
        {
            return false;
        }

        return TryFinishNameAddress(text, i + close + 1, displayName, uri, out result);
    }

    /// <summary>
    /// Reads <c>;name[=value]</c> generic parameters with optional whitespace around the separators.
    /// The index ends after the last parameter (or where the next non-space character is not ';').
    /// </summary>
    public static bool TryParseParameters(ReadOnlySpan<byte> text, ref int index, out SipParameters parameters)
    {
        parameters = SipParameters.Empty;
        ImmutableArray<SipParameter>.Builder? items = null;
        while (true)
        {
            var i = SipGrammar.SkipWhitespace(text, index);
            if (i >= text.Length || text[i] != (byte)';')
            {
                break;
            }

            i = SipGrammar.SkipWhitespace(text, i + 1);
            var nameEnd = ScanRun(text, i, SipGrammar.Token);
            if (nameEnd == i)
            {
                return false;
            }

            var name = Encoding.ASCII.GetString(text[i..nameEnd]);
            string? value = null;
            var afterName = SipGrammar.SkipWhitespace(text, nameEnd);
            index = nameEnd;
            if (afterName < text.Length && text[afterName] == (byte)'=')
            {
                var valueStart = SipGrammar.SkipWhitespace(text, afterName + 1);
                var valueEnd = valueStart < text.Length && text[valueStart] == (byte)'"'
                    ? SipGrammar.ScanQuotedString(text, valueStart)
                    : ScanRun(text, valueStart, SipGrammar.ParamValue);
                if (valueEnd <= valueStart)
                {
                    return false;
                }

                value = Encoding.UTF8.GetString(text[valueStart..valueEnd]);
                index = valueEnd;
            }

            items ??= ImmutableArray.CreateBuilder<SipParameter>();
            items.Add(new SipParameter(name, value));
        }

        parameters = items is null ? SipParameters.Empty : SipParameters.Of(items);
        return true;
    }

    /// <summary>
    /// Splits a header value at the commas that separate list items; commas inside quoted strings and
    /// angle brackets do not split. False for an unterminated quote or an empty item.
    /// </summary>
    public static bool TrySplitList(ReadOnlySpan<byte> text, List<Range> items)
    {
        var start = 0;
        var inAngle = false;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case (byte)'"':
                    var end = SipGrammar.ScanQuotedString(text, i);
                    if (end < 0)
                    {
                        return false;
                    }

                    i = end - 1;
                    break;
                case (byte)'<':
                    inAngle = true;
                    break;
                case (byte)'>':
                    inAngle = false;
                    break;
                case (byte)',' when !inAngle:
                    if (!AddItem(text, start, i, items))
                    {
                        return false;
                    }

                    start = i + 1;
                    break;
            }
        }

        return AddItem(text, start, text.Length, items);
    }

    private delegate bool ItemReader<T>(ReadOnlySpan<byte> item, [NotNullWhen(true)] out T? value);

    private static bool TryParseList<T>(ReadOnlySpan<byte> text, ItemReader<T> read, out ImmutableArray<T> values)
    {
        values = [];
        var ranges = new List<Range>();
        if (!TrySplitList(text, ranges))
        {
            return false;
        }

        var builder = ImmutableArray.CreateBuilder<T>(ranges.Count);
        foreach (var range in ranges)
        {
            if (!read(text[range], out var value))
            {
                return false;
            }

            builder.Add(value);
        }

        values = builder.MoveToImmutable();
        return true;
    }

    private static bool TryFinishNameAddress(
        ReadOnlySpan<byte> text, int index, string? displayName, MessageUri uri, [NotNullWhen(true)] out NameAddress? result)
    {
        result = null;
        if (!TryParseParameters(text, ref index, out var parameters) || SipGrammar.SkipWhitespace(text, index) != text.Length)
        {
            return false;
        }

        result = new NameAddress { DisplayName = displayName, Uri = uri, Parameters = parameters };
        return true;
    }

    private static bool TryParseVia(ReadOnlySpan<byte> text, [NotNullWhen(true)] out Via? via)
    {
        via = null;
        var i = SipGrammar.SkipWhitespace(text, 0);
        if (!TryReadToken(text, ref i, out var protocolName)
            || !TrySkipSlash(text, ref i)
            || !TryReadToken(text, ref i, out var version)
            || !TrySkipSlash(text, ref i)
            || !TryReadToken(text, ref i, out var transport))
        {
            return false;
        }

        var hostStart = SipGrammar.SkipWhitespace(text, i);
        if (hostStart == i)
        {
            return false;
        }

        var hostLength = SipUriParser.ScanHost(text[hostStart..]);
        if (hostLength < 0)
        {
            return false;
        }

        var host = Encoding.ASCII.GetString(text.Slice(hostStart, hostLength));
        i = hostStart + hostLength;
        int? port = null;
        var colon = SipGrammar.SkipWhitespace(text, i);
        if (colon < text.Length && text[colon] == (byte)':')
        {
            var digitsStart = SipGrammar.SkipWhitespace(text, colon + 1);
            var digitsEnd = ScanRun(text, digitsStart, SipGrammar.Digits);
            if (!SipUriParser.TryParsePort(text[digitsStart..digitsEnd], out var value))
            {
                return false;
            }

            port = value;
            i = digitsEnd;
        }

        if (!TryParseParameters(text, ref i, out var parameters) || SipGrammar.SkipWhitespace(text, i) != text.Length)
        {
            return false;
        }

        via = new Via
        {
            Protocol = $"{protocolName}/{version}",
            Transport = transport,
            Host = host,
            Port = port,
            Parameters = parameters,
        };
        return true;
    }

    private static bool TryParseRoute(ReadOnlySpan<byte> text, [NotNullWhen(true)] out NameAddress? route) =>
        TryParseNameAddress(text, allowAddrSpec: false, out route);

    private static bool TryParseContactItem(ReadOnlySpan<byte> text, [NotNullWhen(true)] out NameAddress? contact) =>
        TryParseNameAddress(text, allowAddrSpec: true, out contact);

    private static bool TryParseContact(ReadOnlySpan<byte> text, out object? parsed)
    {
        parsed = null;
        if (text.SequenceEqual("*"u8))
        {
            parsed = new ContactValues(true, []);
            return true;
        }

        if (!TryParseList<NameAddress>(text, TryParseContactItem, out var contacts))
        {
            return false;
        }

        parsed = new ContactValues(false, contacts);
        return true;
    }

    private static bool TryParseCallId(ReadOnlySpan<byte> text, out object? parsed)
    {
        parsed = null;
        var at = text.IndexOf((byte)'@');
        var first = at < 0 ? text : text[..at];
        if (first.IsEmpty || first.ContainsAnyExcept(SipGrammar.Word))
        {
            return false;
        }

        if (at >= 0 && (at == text.Length - 1 || text[(at + 1)..].ContainsAnyExcept(SipGrammar.Word)))
        {
            return false;
        }

        parsed = Encoding.ASCII.GetString(text);
        return true;
    }

    private static bool TryParseCSeq(ReadOnlySpan<byte> text, out CSeq cseq)
    {
        cseq = default;
        var digitsEnd = ScanRun(text, 0, SipGrammar.Digits);
        var methodStart = SipGrammar.SkipWhitespace(text, digitsEnd);
        if (methodStart == digitsEnd
            || !SipGrammar.TryParseUInt32(text[..digitsEnd], out var number)
            || !SipMethod.TryParse(text[methodStart..], out var method))
        {
            return false;
        }

        cseq = new CSeq(number, method);
        return true;
    }

    private static bool TryParseMediaType(ReadOnlySpan<byte> text)
    {
        var i = 0;
        if (!TryReadToken(text, ref i, out _) || !TrySkipSlash(text, ref i) || !TryReadToken(text, ref i, out _))
        {
            return false;
        }

        return TryParseParameters(text, ref i, out _) && SipGrammar.SkipWhitespace(text, i) == text.Length;
    }

    private static bool IsRetryAfter(ReadOnlySpan<byte> text)
    {
        var digitsEnd = ScanRun(text, 0, SipGrammar.Digits);
        return digitsEnd > 0;
    }

    /// <summary>rfc1123-date as RFC 3261 25.1 narrows it: <c>Sun, 06 Nov 1994 08:49:37 GMT</c>, always GMT.</summary>
    private static bool IsRfc1123Date(ReadOnlySpan<byte> text)
    {
        if (text.Length != 29 || text[3] != (byte)',' || text[4] != (byte)' ' || text[7] != (byte)' '
            || text[11] != (byte)' ' || text[16] != (byte)' ' || text[19] != (byte)':' || text[22] != (byte)':'
            || text[25] != (byte)' ' || !text[26..].SequenceEqual("GMT"u8))
        {
            return false;
        }

        return IsOneOf(text[..3], "MonTueWedThuFriSatSun"u8)
            && IsOneOf(text[8..11], "JanFebMarAprMayJunJulAugSepOctNovDec"u8)
            && SipGrammar.IsDigits(text[5..7]) && SipGrammar.IsDigits(text[12..16])
            && SipGrammar.IsDigits(text[17..19]) && SipGrammar.IsDigits(text[20..22]) && SipGrammar.IsDigits(text[23..25]);
    }

    private static bool IsOneOf(ReadOnlySpan<byte> name, ReadOnlySpan<byte> names)
    {
        for (var i = 0; i + 3 <= names.Length; i += 3)
        {
            if (name.SequenceEqual(names.Slice(i, 3)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>warning-value: a three-digit code, an agent and a quoted text.</summary>
    private static bool IsWarningValue(ReadOnlySpan<byte> text, [NotNullWhen(true)] out object? value)
    {
        value = true;
        var item = SipGrammar.Trim(text);
        if (item.Length < 8 || !SipGrammar.IsDigits(item[..3]) || item[3] != (byte)' ')
        {
            return false;
        }

        var agentEnd = item[4..].IndexOf((byte)' ');
        if (agentEnd <= 0)
        {
            return false;
        }

        var quoteStart = 4 + agentEnd + 1;
        if (quoteStart >= item.Length || item[quoteStart] != (byte)'"')
        {
            return false;
        }

        return SipGrammar.ScanQuotedString(item, quoteStart) == item.Length;
    }

    private static bool IsTokenItem(ReadOnlySpan<byte> text, [NotNullWhen(true)] out object? value)
    {
        value = true;
        return SipGrammar.IsToken(SipGrammar.Trim(text));
    }

    private static bool AddItem(ReadOnlySpan<byte> text, int start, int end, List<Range> items)
    {
        var item = SipGrammar.Trim(text[start..end]);
        if (item.IsEmpty)
        {
            return false;
        }

        items.Add(start..end);
        return true;
    }

    private static bool TryReadToken(ReadOnlySpan<byte> text, ref int i, [NotNullWhen(true)] out string? token)
    {
        token = null;
        var start = SipGrammar.SkipWhitespace(text, i);
        var end = ScanRun(text, start, SipGrammar.Token);
        if (end == start)
        {
            return false;
        }

        token = Encoding.ASCII.GetString(text[start..end]);
        i = end;
        return true;
    }

    private static bool TrySkipSlash(ReadOnlySpan<byte> text, ref int i)
    {
        var slash = SipGrammar.SkipWhitespace(text, i);
        if (slash >= text.Length || text[slash] != (byte)'/')
        {
            return false;
        }

        i = SipGrammar.SkipWhitespace(text, slash + 1);
        return true;
    }

    private static bool Box<T>(T value, out object? boxed)
    {
        boxed = value;
        return true;
    }

    private static int ScanRun(ReadOnlySpan<byte> text, int start, SearchValues<byte> allowed)
    {
        if (start >= text.Length)
        {
            return start;
        }

        var length = text[start..].IndexOfAnyExcept(allowed);
        return length < 0 ? text.Length : start + length;
    }
}
