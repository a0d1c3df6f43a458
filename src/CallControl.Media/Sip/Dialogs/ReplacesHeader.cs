using System.Diagnostics.CodeAnalysis;
using System.Text;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// The Replaces header of RFC 3891: the dialog a new INVITE takes the place of, named from the point of
/// view of the user agent receiving it, so <see cref="ToTag"/> is that agent's local tag and
/// <see cref="FromTag"/> its peer's.
/// </summary>
public sealed record ReplacesHeader(string CallId, string ToTag, string FromTag, bool EarlyOnly = false)
{
    public const string HeaderName = "Replaces";

    /// <summary>The dialog this names at the receiving user agent.</summary>
    public DialogId DialogId => new(CallId, ToTag, FromTag);

    /// <summary>The Replaces header that names <paramref name="dialog"/> for its peer, which receives it.</summary>
    public static ReplacesHeader For(DialogId dialog, bool earlyOnly = false) =>
        new(dialog.CallId, dialog.RemoteTag, dialog.LocalTag, earlyOnly);

    /// <summary>Reads <c>callid;to-tag=…;from-tag=…[;early-only]</c>; false without both tags.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out ReplacesHeader? header)
    {
        ArgumentNullException.ThrowIfNull(text);
        header = null;
        var parts = text.Split(';', StringSplitOptions.TrimEntries);
        if (parts[0].Length == 0 || parts[0].AsSpan().ContainsAny(" \t,"))
        {
            return false;
        }

        string? toTag = null;
        string? fromTag = null;
        var earlyOnly = false;
        foreach (var part in parts.AsSpan(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? part : part[..equals]).Trim();
            var value = equals < 0 ? null : part[(equals + 1)..].Trim();
            if (name.Equals("to-tag", StringComparison.OrdinalIgnoreCase))
            {
                toTag = value;
            }
            else if (name.Equals("from-tag", StringComparison.OrdinalIgnoreCase))
            {
                fromTag = value;
            }
            else if (name.Equals("early-only", StringComparison.OrdinalIgnoreCase))
            {
                earlyOnly = true;
            }
        }

        if (string.IsNullOrEmpty(toTag) || string.IsNullOrEmpty(fromTag))
        {
            return false;
        }

        header = new ReplacesHeader(parts[0], toTag, fromTag, earlyOnly);
        return true;
    }

    /// <summary>
    /// The value written in a URI header (inside Refer-To), with the characters a URI header value cannot
    /// carry literally %-escaped (RFC 3261 25.1 <c>hvalue</c>).
    /// </summary>
    public string ToUriHeaderValue()
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(ToString()))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || "-_.!~*'()[]/?:+$".Contains((char)b, StringComparison.Ordinal))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    public override string ToString() =>
        $"{CallId};to-tag={ToTag};from-tag={FromTag}{(EarlyOnly ? ";early-only" : string.Empty)}";
}
