using System.Globalization;
using System.Text;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// A sip: or sips: URI. <see cref="User"/>, <see cref="Password"/>, parameter and header values are kept
/// as written, with %-escapes intact, so that a URI is written back exactly; use <see cref="Unescape"/>
/// for the characters they stand for. Equality is structural, not the comparison rules of RFC 3261 19.1.4.
/// </summary>
public sealed record SipUri : MessageUri
{
    /// <summary>True for sips:.</summary>
    public bool IsSecure { get; init; }

    /// <summary>The user part as written (escapes intact), or null when the URI has none.</summary>
    public string? User { get; init; }

    /// <summary>The password as written, or null.</summary>
    public string? Password { get; init; }

    /// <summary>The host: a name, an IPv4 address or an IPv6 reference in brackets such as <c>[2001:db8::1]</c>.</summary>
    public required string Host { get; init; }

    /// <summary>The port, or null when none is written.</summary>
    public int? Port { get; init; }

    /// <summary>The uri-parameters (<c>;transport=tcp;lr</c>).</summary>
    public SipParameters Parameters { get; init; } = SipParameters.Empty;

    /// <summary>The headers after <c>?</c>, names and values as written; not allowed in a Request-URI.</summary>
    public SipParameters Headers { get; init; } = SipParameters.Empty;

    public override string Scheme => IsSecure ? "sips" : "sip";

    /// <summary>The <c>transport</c> parameter, or null.</summary>
    public string? Transport => Parameters["transport"];

    /// <summary>True when the URI carries <c>;lr</c> (a loose router).</summary>
    public bool IsLooseRouter => Parameters.Contains("lr");

    /// <summary>The user part with %-escapes decoded (as UTF-8), or null.</summary>
    public string? UnescapedUser => User is null ? null : Unescape(User);

    /// <summary>Decodes %-escapes; text that is not a valid escape is left as is.</summary>
    public static string Unescape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var utf8 = Encoding.UTF8.GetBytes(text);
        var decoded = SipGrammar.Unescape(utf8);
        return Encoding.UTF8.GetString(decoded);
    }

    /// <summary>Escapes the characters a user part may not carry literally (RFC 3261 25.1).</summary>
    public static string EscapeUser(string user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var utf8 = Encoding.UTF8.GetBytes(user);
        var text = new StringBuilder(utf8.Length);
        foreach (var b in utf8)
        {
            if (SipGrammar.UserChars.Contains(b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    public override string ToString()
    {
        var text = new StringBuilder(64);
        text.Append(Scheme).Append(':');
        if (User is not null)
        {
            text.Append(User);
            if (Password is not null)
            {
                text.Append(':').Append(Password);
            }

            text.Append('@');
        }

        text.Append(Host);
        if (Port is { } port)
        {
            text.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }

        Parameters.AppendTo(text, ';');
        if (Headers.Count > 0)
        {
            var first = true;
            foreach (var header in Headers)
            {
                text.Append(first ? '?' : '&').Append(header.Name).Append('=').Append(header.Value);
                first = false;
            }
        }

        return text.ToString();
    }
}
