using System.Text;
using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

/// <summary>Test data helpers: descriptions are written one line per string and joined with CRLF.</summary>
internal static class SdpText
{
    /// <summary>A desk phone's typical audio offer: PCMU, PCMA and telephone-event on 96.</summary>
    public static readonly string[] DeskPhoneOffer =
    [
        "v=0",
        "o=alice 2890844526 2890844527 IN IP4 192.0.2.10",
        "s=call",
        "c=IN IP4 192.0.2.10",
        "t=0 0",
        "m=audio 49170 RTP/AVP 0 8 96",
        "a=rtpmap:96 telephone-event/8000",
        "a=fmtp:96 0-15",
        "a=ptime:20",
        "a=sendrecv",
    ];

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
