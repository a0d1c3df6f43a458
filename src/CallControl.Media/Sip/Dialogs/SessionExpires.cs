using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using CallControl.Media.Sip.Messages;

namespace CallControl.Media.Sip.Dialogs;

/// <summary>
/// A Session-Expires value (RFC 4028 section 4): the session interval in seconds and, once chosen, which
/// side of the carrying transaction refreshes.
/// </summary>
public readonly record struct SessionExpires(int Seconds, SessionRefresher? Refresher = null)
{
    /// <summary>Reads <c>delta-seconds *(;param)</c>; unknown parameters are skipped.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SessionExpires? value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var parts = text.Split(';', StringSplitOptions.TrimEntries);
        if (!TryParseSeconds(parts[0], out var seconds))
        {
            return false;
        }

        SessionRefresher? refresher = null;
        foreach (var part in parts.AsSpan(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !part[..equals].Trim().Equals("refresher", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var side = part[(equals + 1)..].Trim();
            refresher = side.Equals("uac", StringComparison.OrdinalIgnoreCase) ? SessionRefresher.Uac
                : side.Equals("uas", StringComparison.OrdinalIgnoreCase) ? SessionRefresher.Uas
                : null;
        }

        value = new SessionExpires(seconds, refresher);
        return true;
    }

    /// <summary>The message's Session-Expires (or <c>x</c>), or null when absent or unreadable.</summary>
    public static SessionExpires? From(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Headers.First(SipHeaderNames.SessionExpires) is { } header && TryParse(header.Value, out var value)
            ? value
            : null;
    }

    /// <summary>The message's Min-SE in seconds, or null when absent or unreadable.</summary>
    public static int? MinSEFrom(SipMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Headers.First(SessionTimerNegotiation.MinSEHeader) is { } header
            && TryParseSeconds(header.Value.Split(';')[0].Trim(), out var seconds)
                ? seconds
                : null;
    }

    public override string ToString()
    {
        var seconds = Seconds.ToString(CultureInfo.InvariantCulture);
        return Refresher switch
        {
            SessionRefresher.Uac => $"{seconds};refresher=uac",
            SessionRefresher.Uas => $"{seconds};refresher=uas",
            _ => seconds,
        };
    }

    private static bool TryParseSeconds(string text, out int seconds) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) && seconds > 0;
}

/// <summary>Which side of the transaction that negotiated a session interval sends the refreshes.</summary>
public enum SessionRefresher
{
    Uac,
    Uas,
}
