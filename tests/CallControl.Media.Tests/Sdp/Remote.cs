using System.Net;
using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

/// <summary>Builds the far end's descriptions and our side's negotiator for offer/answer tests.</summary>
internal static class Remote
{
    public const string Address = "203.0.113.5";

    public static readonly SdpLocalMedia Local = new(IPAddress.Parse("198.51.100.20"), 40000);

    public static SdpNegotiator Negotiator() => new(Local, sessionId: 4242);

    /// <summary>A description from the far end at <see cref="Address"/> with the given lines after <c>t=</c>.</summary>
    public static SdpSession Sdp(params string[] lines) =>
        SdpText.Parse(["v=0", "o=far 9000 1 IN IP4 " + Address, "s=-", "c=IN IP4 " + Address, "t=0 0", .. lines]);

    /// <summary>A description whose only c= line is the given one.</summary>
    public static SdpSession SdpAt(string connection, params string[] lines) =>
        SdpText.Parse(["v=0", "o=far 9000 1 IN IP4 " + Address, "s=-", connection, "t=0 0", .. lines]);

    /// <summary>A plain desk-phone offer: PCMU, PCMA and telephone-event on 101.</summary>
    public static SdpSession AudioOffer(string direction = "a=sendrecv") =>
        Sdp("m=audio 5004 RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15", direction);

    public static SdpSession Answer(this SdpNegotiator negotiator, SdpSession offer)
    {
        negotiator.TryCreateAnswer(offer, out var answer, out var error).ShouldBeTrue(error.ToString());
        return answer!;
    }

    public static void Apply(this SdpNegotiator negotiator, SdpSession answer)
    {
        negotiator.TryApplyAnswer(answer, out var error).ShouldBeTrue(error.ToString());
    }

    /// <summary>A negotiator whose initial offer the far end answered plainly, so a call is up.</summary>
    public static SdpNegotiator Established()
    {
        var negotiator = Negotiator();
        negotiator.CreateOffer();
        negotiator.Apply(Sdp("m=audio 5004 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000", "a=sendrecv"));
        return negotiator;
    }

    public static SdpMedia Audio(this SdpSession session) => session.Media.Single(media => media.Port != 0);
}
