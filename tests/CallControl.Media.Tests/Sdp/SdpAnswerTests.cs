using System.Net;
using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

public sealed class SdpAnswerTests
{
    [Fact]
    public void TheCodecIsTheFirstOfTheOfferersFormatsThatWeSupport()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 18 8 0", "a=rtpmap:18 G729/8000"));

        answer.Audio().Formats.ShouldBe(["8"]);
        answer.Audio().RtpMaps.ShouldBe([new SdpRtpMap(8, "PCMA", 8000)]);
        negotiator.Current!.Codec.ShouldBe(SdpCodec.Pcma);
    }

    [Fact]
    public void StaticPayloadTypesAreRecognisedWithoutRtpmap()
    {
        var negotiator = Remote.Negotiator();

        negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 0"));

        negotiator.Current!.Codec.ShouldBe(SdpCodec.Pcmu);
    }

    [Fact]
    public void ACodecOfferedOnADynamicPayloadTypeIsAnsweredOnThatNumber()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 97", "a=rtpmap:97 PCMU/8000"));

        answer.Audio().Formats.ShouldBe(["97"]);
        negotiator.Current!.Codec.ShouldBe(new SdpCodec(97, "PCMU", 8000));
    }

    [Fact]
    public void TheOffersDynamicTelephoneEventPayloadTypeIsUsedInTheAnswer()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 0 96", "a=rtpmap:96 telephone-event/8000", "a=fmtp:96 0-15"));

        answer.Audio().Formats.ShouldBe(["0", "96"]);
        answer.Audio().RtpMaps.ShouldContain(new SdpRtpMap(96, "telephone-event", 8000));
        answer.Audio().Fmtps.ShouldBe([new SdpFmtp(96, "0-16")]);
        negotiator.Current!.TelephoneEventPayloadType.ShouldBe(96);
    }

    [Fact]
    public void AnOfferWithoutTelephoneEventIsAnsweredWithoutIt()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 0 102", "a=rtpmap:102 telephone-event/48000"));

        answer.Audio().Formats.ShouldBe(["0"]);
        answer.Audio().Fmtps.ShouldBeEmpty();
        negotiator.Current!.TelephoneEventPayloadType.ShouldBeNull();
    }

    [Fact]
    public void TheAnswerGivesOurAddressPortAndPtimeAndRecordsTheFarEnd()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.AudioOffer());

        SdpWriter.WriteText(answer).ShouldBe(SdpText.Join(
            "v=0",
            "o=- 4242 1 IN IP4 198.51.100.20",
            "s=-",
            "c=IN IP4 198.51.100.20",
            "t=0 0",
            "m=audio 40000 RTP/AVP 0 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16",
            "a=ptime:20",
            "a=sendrecv"));
        negotiator.Current!.RemoteRtpEndPoint.ShouldBe(IPEndPoint.Parse("203.0.113.5:5004"));
        negotiator.Current.RemoteRtcpEndPoint.ShouldBe(IPEndPoint.Parse("203.0.113.5:5005"));
    }

    [Fact]
    public void AnIPv6FarEndAndItsRtcpAttributeAreRecorded()
    {
        var negotiator = Remote.Negotiator();

        negotiator.Answer(Remote.SdpAt("c=IN IP6 2001:db8::5", "m=audio 5004 RTP/AVP 8", "a=rtcp:6000"));

        negotiator.Current!.RemoteRtpEndPoint.ShouldBe(IPEndPoint.Parse("[2001:db8::5]:5004"));
        negotiator.Current.RemoteRtcpEndPoint.ShouldBe(IPEndPoint.Parse("[2001:db8::5]:6000"));
    }

    [Fact]
    public void OfferedVideoIsAnsweredWithPortZeroAndTheMediaLinesKeepTheirOrder()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp(
            "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000",
            "m=audio 5004 RTP/AVP 0"));

        answer.Media.Count.ShouldBe(2);
        answer.Media[0].MediaType.ShouldBe("video");
        answer.Media[0].Port.ShouldBe(0);
        answer.Media[0].Formats.ShouldBe(["96"]);
        answer.Media[1].MediaType.ShouldBe("audio");
        answer.Media[1].Port.ShouldBe(40000);
    }

    [Fact]
    public void AnOfferedStreamOnPortZeroStaysOnPortZero()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp("m=audio 0 RTP/AVP 0", "m=audio 5004 RTP/AVP 8"));

        answer.Media.Select(media => media.Port).ShouldBe([0, 40000]);
        negotiator.Current!.Codec.ShouldBe(SdpCodec.Pcma);
    }

    [Fact]
    public void AudioWithNoCommonCodecIsAnsweredWithPortZero()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 18", "a=rtpmap:18 G729/8000", "m=audio 5008 RTP/AVP 0"));

        answer.Media.Select(media => media.Port).ShouldBe([0, 40000]);
        negotiator.Current!.RemoteRtpEndPoint!.Port.ShouldBe(5008);
    }

    [Fact]
    public void OnlyTheFirstAcceptableAudioStreamIsAccepted()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 0", "m=audio 5008 RTP/AVP 0"));

        answer.Media.Select(media => media.Port).ShouldBe([40000, 0]);
    }

    [Fact]
    public void AudioOnAnotherProfileIsAnsweredWithPortZero()
    {
        var negotiator = Remote.Negotiator();

        var answer = negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/SAVP 0", "m=audio 5008 RTP/AVP 0"));

        answer.Media[0].Port.ShouldBe(0);
        answer.Media[0].Protocol.ShouldBe("RTP/SAVP");
        answer.Media[1].Port.ShouldBe(40000);
    }

    [Fact]
    public void AnOfferWithNothingWeAcceptIsRefusedAndChangesNothing()
    {
        var negotiator = Remote.Negotiator();

        negotiator.TryCreateAnswer(Remote.Sdp("m=video 5006 RTP/AVP 31", "m=audio 5004 RTP/AVP 18"), out var answer, out var error).ShouldBeFalse();

        answer.ShouldBeNull();
        error.Code.ShouldBe(SdpNegotiationErrorCode.NoAcceptableMedia);
        negotiator.Current.ShouldBeNull();
        negotiator.Answer(Remote.AudioOffer()).Origin.SessionVersion.ShouldBe(1UL);
    }

    [Fact]
    public void AnOfferWithADomainNameForItsAddressIsRefused()
    {
        var negotiator = Remote.Negotiator();

        negotiator.TryCreateAnswer(Remote.SdpAt("c=IN IP4 media.example.com", "m=audio 5004 RTP/AVP 0"), out _, out var error).ShouldBeFalse();

        error.Code.ShouldBe(SdpNegotiationErrorCode.UnusableConnection);
    }

    [Fact]
    public void ARemoteOfferWhileOursIsOutstandingIsGlare()
    {
        var negotiator = Remote.Established();
        negotiator.CreateHoldOffer();

        negotiator.TryCreateAnswer(Remote.AudioOffer(), out _, out var error).ShouldBeFalse();

        error.Code.ShouldBe(SdpNegotiationErrorCode.OfferInProgress);
    }

    [Fact]
    public void AnyOfferTheParserAcceptsIsAnsweredOrRefusedWithoutThrowing()
    {
        var body = System.Text.Encoding.UTF8.GetBytes(SdpText.Join(
            "v=0", "o=far 9000 1 IN IP4 203.0.113.5", "s=-", "c=IN IP4 0.0.0.0", "t=0 0",
            "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000",
            "m=audio 5004 RTP/AVP 96 0", "a=rtpmap:96 telephone-event/8000", "c=IN IP6 ::", "a=rtcp:65535", "a=inactive"));
        var answered = 0;
        for (var length = 0; length <= body.Length; length++)
        {
            if (SdpParser.TryParse(body.AsSpan(0, length), out var offer, out _))
            {
                var ok = Remote.Negotiator().TryCreateAnswer(offer, out var answer, out var error);
                (ok == (answer is not null) && ok == (error.Code == SdpNegotiationErrorCode.None)).ShouldBeTrue();
                answered += ok ? 1 : 0;
            }
        }

        answered.ShouldBeGreaterThan(0);
    }
}
