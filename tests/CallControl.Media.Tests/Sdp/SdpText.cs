using System.Text;
using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

/// <summary>Test data helpers: descriptions are written one line per string and joined with CRLF.</summary>
internal static class SdpText
{
    public static string Join(params string[] lines) => string.Join("\r\n", lines) + "\r\n";

    public static SdpSession Parse(params string[] lines)
    {
        var parsed = SdpParser.TryParse(Encoding.UTF8.GetBytes(Join(lines)), out var session, out var error);
        parsed.ShouldBeTrue(error.ToString());
        return session!;
    }

    public static SdpError Reject(string body)
    {
        SdpParser.TryParse(Encoding.UTF8.GetBytes(body), out var session, out var error).ShouldBeFalse();
        session.ShouldBeNull();
        return error;
    }
}
