using System.Diagnostics.CodeAnalysis;
using System.Text;
using CallControl.Media.Sip.Parsing;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// A URI as it appears in a Request-Line or a name-addr: either a <see cref="SipUri"/> (sip/sips) or an
/// <see cref="OpaqueUri"/> for any other scheme (tel, http, urn, …), which is carried but not interpreted.
/// </summary>
public abstract record MessageUri
{
    private protected MessageUri()
    {
    }

    /// <summary>The scheme, without the colon.</summary>
    public abstract string Scheme { get; }

    /// <summary>Reads a URI written as in a message (escapes intact); false when it is not one.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out MessageUri? uri)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SipUriParser.TryParse(Encoding.UTF8.GetBytes(text), out uri);
    }

    /// <summary>Reads a URI written as in a message.</summary>
    /// <exception cref="FormatException">The text is not a URI.</exception>
    public static MessageUri Parse(string text) =>
        TryParse(text, out var uri) ? uri : throw new FormatException($"'{text}' is not a URI.");

    /// <summary>The URI as written in a message.</summary>
    public abstract override string ToString();
}

/// <summary>A URI of a scheme other than sip/sips, kept as written.</summary>
public sealed record OpaqueUri : MessageUri
{
    /// <summary>A URI <c>scheme:value</c>; both parts are taken as given.</summary>
    public OpaqueUri(string scheme, string value)
    {
        Scheme = scheme;
        Value = value;
    }

    public override string Scheme { get; }

    /// <summary>Everything after the colon, as written.</summary>
    public string Value { get; }

    public override string ToString() => $"{Scheme}:{Value}";
}
