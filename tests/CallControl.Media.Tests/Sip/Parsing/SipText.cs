using System.Globalization;
using System.Text;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>Builds message bytes from readable text: lines end in CRLF and <c>$LEN$</c> is the body's length.</summary>
internal static class SipText
{
    public static byte[] Message(string head, string body = "") => Message(head, Encoding.UTF8.GetBytes(Lines(body, trailing: body.Length > 0)));

    public static byte[] Message(string head, byte[] body)
    {
        var headText = Lines(head, trailing: false).Replace("$LEN$", body.Length.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(headText + "\r\n\r\n"), .. body];
    }

    private static string Lines(string text, bool trailing) =>
        text.ReplaceLineEndings("\r\n") + (trailing ? "\r\n" : string.Empty);
}
