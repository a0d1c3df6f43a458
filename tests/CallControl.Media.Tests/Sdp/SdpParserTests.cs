using System.Net;
using System.Text;
using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

public sealed class SdpParserTests
{
    [Fact]
    public void ATypicalAudioOfferIsReadIntoTypedFields()
    {
        var session = SdpText.Parse(SdpText.DeskPhoneOffer);

        session.Origin.ShouldBe(new SdpOrigin("alice", 2890844526, 2890844527, new SdpAddress(SdpAddressType.IP4, "192.0.2.10")));
        session.SessionName.ShouldBe("call");
        session.Connection.ShouldBe(new SdpAddress(SdpAddressType.IP4, "192.0.2.10"));
        session.Timing.ShouldBe(new SdpTiming(0, 0));
        var audio = session.Media.ShouldHaveSingleItem();
        audio.MediaType.ShouldBe("audio");
        audio.Port.ShouldBe(49170);
        audio.Protocol.ShouldBe("RTP/AVP");
        audio.Formats.ShouldBe(["0", "8", "96"]);
        audio.RtpMaps.ShouldBe([new SdpRtpMap(96, "telephone-event", 8000)]);
        audio.Fmtps.ShouldBe([new SdpFmtp(96, "0-15")]);
        audio.Ptime.ShouldBe(20);
        audio.Direction.ShouldBe(SdpDirection.SendRecv);
    }

    [Fact]
    public void StaticPayloadTypesNeedNoRtpmap()
    {
        var audio = SdpText.Parse(SdpText.DeskPhoneOffer).Media[0];

        audio.RtpMapOf(0).ShouldBeNull();
        audio.RtpMapOf(8).ShouldBeNull();
        audio.Formats.ShouldContain("0");
    }

    [Fact]
    public void AnIPv6AddressWrittenInBracketsIsReadAsThePlainAddress()
    {
        var session = SdpText.Parse("v=0", "o=sipp 1 1 IN IP6 [::1]", "s=-", "c=IN IP6 [::1]", "t=0 0", "m=audio 4000 RTP/AVP 0");

        session.Origin.Address.ShouldBe(new SdpAddress(SdpAddressType.IP6, "::1"));
        session.Connection.ShouldBe(new SdpAddress(SdpAddressType.IP6, "::1"));
    }

    [Fact]
    public void AMediaLevelConnectionOverridesTheSessionOneAndIPv6IsRead()
    {
        var session = SdpText.Parse(
            "v=0",
            "o=- 1 1 IN IP6 2001:db8::1",
            "s=-",
            "c=IN IP4 192.0.2.1",
            "t=0 0",
            "m=audio 4000 RTP/AVP 0",
            "c=IN IP6 2001:db8::2",
            "m=audio 4002 RTP/AVP 8");

        session.Origin.Address.ShouldBe(new SdpAddress(SdpAddressType.IP6, "2001:db8::1"));
        session.ConnectionOf(session.Media[0]).ShouldBe(new SdpAddress(SdpAddressType.IP6, "2001:db8::2"));
        session.ConnectionOf(session.Media[1]).ShouldBe(new SdpAddress(SdpAddressType.IP4, "192.0.2.1"));
        session.ConnectionOf(session.Media[0])!.Value.TryGetIPAddress(out var address).ShouldBeTrue();
        address.ShouldBe(IPAddress.Parse("2001:db8::2"));
    }

    [Theory]
    [InlineData("a=sendrecv", SdpDirection.SendRecv)]
    [InlineData("a=sendonly", SdpDirection.SendOnly)]
    [InlineData("a=recvonly", SdpDirection.RecvOnly)]
    [InlineData("a=inactive", SdpDirection.Inactive)]
    public void EachDirectionAttributeIsRead(string attribute, SdpDirection expected)
    {
        var session = SdpText.Parse("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 4000 RTP/AVP 0", attribute);

        session.DirectionOf(session.Media[0]).ShouldBe(expected);
    }

    [Fact]
    public void AMediaWithoutADirectionInheritsTheSessionsAndDefaultsToSendrecv()
    {
        var withSessionDirection = SdpText.Parse("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "a=sendonly", "m=audio 4000 RTP/AVP 0");
        var withNone = SdpText.Parse("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "m=audio 4000 RTP/AVP 0");

        withSessionDirection.DirectionOf(withSessionDirection.Media[0]).ShouldBe(SdpDirection.SendOnly);
        withNone.DirectionOf(withNone.Media[0]).ShouldBe(SdpDirection.SendRecv);
    }

    [Fact]
    public void RtcpAttributeIsReadWithAndWithoutAnAddress()
    {
        var session = SdpText.Parse(
            "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
            "m=audio 4000 RTP/AVP 0", "a=rtcp:4005",
            "m=audio 5000 RTP/AVP 0", "a=rtcp:5001 IN IP6 2001:db8::9");

        session.Media[0].Rtcp.ShouldBe(new SdpRtcp(4005));
        session.Media[1].Rtcp.ShouldBe(new SdpRtcp(5001, new SdpAddress(SdpAddressType.IP6, "2001:db8::9")));
    }

    [Fact]
    public void OtherLinesAndAttributesAreKeptInOrder()
    {
        var session = SdpText.Parse(
            "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "i=about", "u=http://example.com/x", "c=IN IP4 192.0.2.1", "b=AS:64", "t=0 0",
            "a=tool:phone", "a=group:BUNDLE 0",
            "m=audio 4000 RTP/AVP 0 18", "i=voice", "b=TIAS:64000", "a=fmtp:18 annexb=no", "a=maxptime:40", "a=mid:0", "a=x-flag");

        session.OtherLines.ShouldBe([new SdpLine('i', "about"), new SdpLine('u', "http://example.com/x"), new SdpLine('b', "AS:64")]);
        session.Attributes.ShouldBe([new SdpAttribute("tool", "phone"), new SdpAttribute("group", "BUNDLE 0")]);
        var audio = session.Media[0];
        audio.OtherLines.ShouldBe([new SdpLine('i', "voice"), new SdpLine('b', "TIAS:64000")]);
        audio.Fmtps.ShouldBe([new SdpFmtp(18, "annexb=no")]);
        audio.Attributes.ShouldBe([new SdpAttribute("maxptime", "40"), new SdpAttribute("mid", "0"), new SdpAttribute("x-flag")]);
    }

    [Fact]
    public void BareLineFeedsAndBlankLinesAreAccepted()
    {
        var body = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=audio 4000 RTP/AVP 0\n\n";

        SdpParser.TryParse(Encoding.UTF8.GetBytes(body), out var session, out _).ShouldBeTrue();
        session!.Media[0].Port.ShouldBe(4000);
    }

    [Fact]
    public void ARejectedStreamNeedsNoConnection()
    {
        var session = SdpText.Parse("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0", "m=video 0 RTP/AVP 31");

        session.Media[0].Port.ShouldBe(0);
    }

    [Fact]
    public void NonRtpFormatsAreKeptAsTokens()
    {
        var session = SdpText.Parse("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "m=image 5000 udptl t38", "a=fmtp:t38 x");

        session.Media[0].Formats.ShouldBe(["t38"]);
        session.Media[0].Fmtps.ShouldBeEmpty();
        session.Media[0].Attributes.ShouldBe([new SdpAttribute("fmtp", "t38 x")]);
    }
}
