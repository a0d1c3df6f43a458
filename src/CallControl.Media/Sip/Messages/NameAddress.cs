using System.Text;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// A From, To, Contact, Route or Record-Route value: an optional display name, a URI and header
/// parameters (<c>;tag=…</c>, <c>;expires=…</c>). The display name is held unquoted and unescaped.
/// </summary>
public sealed record NameAddress
{
    private readonly string? _displayName;

    /// <summary>The display name without quotes or escapes; null when none is written.</summary>
    /// <exception cref="ArgumentException">The name holds CR or LF, which a quoted string cannot carry.</exception>
    public string? DisplayName
    {
        get => _displayName;
        init => _displayName = value is not null && value.AsSpan().ContainsAny('\r', '\n')
            ? throw new ArgumentException("A display name cannot hold CR or LF.", nameof(value))
            : value;
    }

    public required MessageUri Uri { get; init; }

    /// <summary>The header parameters after the URI, values as written.</summary>
    public SipParameters Parameters { get; init; } = SipParameters.Empty;

    /// <summary>The <c>tag</c> parameter, or null.</summary>
    public string? Tag => Parameters["tag"];

    /// <summary>A copy with the <c>tag</c> parameter set.</summary>
    public NameAddress WithTag(string tag) => this with { Parameters = Parameters.Set("tag", tag) };

    /// <summary>The value as written in a message; the URI is always in angle brackets.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(96);
        AppendTo(text);
        return text.ToString();
    }

    internal void AppendTo(StringBuilder text)
    {
        if (DisplayName is not null)
        {
            text.Append('"');
            foreach (var c in DisplayName)
            {
                if (c is '"' or '\\' or (< ' ' and not '\t') or '\u007F')
                {
                    text.Append('\\');
                }

                text.Append(c);
            }

            text.Append("\" ");
        }

        text.Append('<').Append(Uri.ToString()).Append('>');
        Parameters.AppendTo(text, ';');
    }
}
