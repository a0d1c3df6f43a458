using System.Text;
using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

public sealed class SdpWriterTests
{
    public static TheoryData<string> Canonical => new()
    {
        SdpText.Join(SdpText.DeskPhoneOffer),
        SdpText.Join(
            "v=0",
            "o=- 7 9 IN IP6 2001:db8::1",
            "s=Zoë's call",
            "i=about",
            "u=http://example.com/x",
            "e=ops@example.com",
            "c=IN IP6 2001:db8::1",
            "b=AS:64",
            "t=3034423619 3042462419",
            "r=7d 1h 0 25h",
            "t=0 0",
            "z=2882844526 -1h",
            "a=tool:phone",
            "a=recvonly",
            "m=audio 4000/2 RTP/AVP 0 18",
            "i=voice",
            "c=IN IP4 198.51.100.7",
            "b=TIAS:64000",
            "a=rtpmap:18 G729/8000/1",
            "a=fmtp:18 annexb=no",
            "a=fmtp:0 x-ignored=1",
            "a=ptime:30",
            "a=rtcp:4005 IN IP4 198.51.100.8",
            "a=maxptime:40",
            "a=x-flag",
            "a=inactive",
            "m=video 0 RTP/AVP 31",
            "m=application 9 TCP/BFCP *",
            "a=floorctrl:c-s"),
    };

    [Theory]
    [MemberData(nameof(Canonical))]
    public void ACanonicalDescriptionIsWrittenBackByteForByte(string body)
    {
        SdpParser.TryParse(Encoding.UTF8.GetBytes(body), out var session, out var error).ShouldBeTrue(error.ToString());

        SdpWriter.WriteText(session!).ShouldBe(body);
        SdpWriter.Write(session!).ShouldBe(Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public void ANonCanonicalDescriptionIsWrittenInRfcOrderAndReadsTheSame()
    {
        var body = "v=0\no=- 1 2 IN IP4 192.0.2.1\ns=-\nt=0 0\nc=IN IP4 192.0.2.1\na=sendonly\nm=audio 4000 RTP/AVP 0 101\na=fmtp:101 0-16\na=rtpmap:101 telephone-event/8000\n";
        SdpParser.TryParse(Encoding.UTF8.GetBytes(body), out var session, out _).ShouldBeTrue();

        var written = SdpWriter.WriteText(session!);

        written.ShouldBe(SdpText.Join(
            "v=0", "o=- 1 2 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "a=sendonly",
            "m=audio 4000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16"));
        SdpParser.TryParse(Encoding.UTF8.GetBytes(written), out var reread, out _).ShouldBeTrue();
        SdpWriter.WriteText(reread!).ShouldBe(written);
    }
}
