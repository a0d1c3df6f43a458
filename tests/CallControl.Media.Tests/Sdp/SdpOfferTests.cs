using System.Net;
using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

public sealed class SdpOfferTests
{
    [Fact]
    public void TheInitialOfferListsOurCodecsInPreferenceOrderWithTelephoneEvent()
    {
        var offer = Remote.Negotiator().CreateOffer();

        SdpWriter.WriteText(offer).ShouldBe(SdpText.Join(
            "v=0",
            "o=- 4242 1 IN IP4 198.51.100.20",
            "s=-",
            "c=IN IP4 198.51.100.20",
            "t=0 0",
            "m=audio 40000 RTP/AVP 0 8 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16",
            "a=ptime:20",
            "a=sendrecv"));
    }

    [Fact]
    public void AnIPv6LocalAddressIsOfferedAsIP6()
    {
        var offer = new SdpNegotiator(Remote.Local with { Address = IPAddress.Parse("2001:db8::20") }, 1).CreateOffer();

        offer.Connection.ShouldBe(new SdpAddress(SdpAddressType.IP6, "2001:db8::20"));
        offer.Origin.Address.ShouldBe(new SdpAddress(SdpAddressType.IP6, "2001:db8::20"));
    }

    [Fact]
    public void TheAnswerToOurOfferPicksTheCodecTelephoneEventAndEndpointFromTheAnswer()
    {
        var negotiator = Remote.Negotiator();
        negotiator.CreateOffer();

        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 8 100", "a=rtpmap:100 telephone-event/8000", "a=fmtp:100 0-15"));

        negotiator.HasPendingOffer.ShouldBeFalse();
        negotiator.Current.ShouldBe(new SdpNegotiatedMedia(
            SdpDirection.SendRecv, SdpDirection.SendRecv, false, SdpCodec.Pcma, 100,
            IPEndPoint.Parse("203.0.113.5:5004"), IPEndPoint.Parse("203.0.113.5:5005")));
    }

    [Fact]
    public void AnAnswerWithADifferentNumberOfMediaLinesIsRejected()
    {
        var negotiator = Remote.Negotiator();
        negotiator.CreateOffer();

        negotiator.TryApplyAnswer(Remote.Sdp("m=audio 5004 RTP/AVP 0", "m=video 0 RTP/AVP 31"), out var error).ShouldBeFalse();

        error.Code.ShouldBe(SdpNegotiationErrorCode.MediaCountMismatch);
        negotiator.Current.ShouldBeNull();
    }

    [Fact]
    public void AnAnswerWithItsMediaLinesOutOfOrderIsRejected()
    {
        var negotiator = Remote.Negotiator();
        negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 0", "m=video 5006 RTP/AVP 31"));
        negotiator.CreateOffer();

        negotiator.TryApplyAnswer(Remote.Sdp("m=video 0 RTP/AVP 31", "m=audio 5004 RTP/AVP 0"), out var error).ShouldBeFalse();

        error.Code.ShouldBe(SdpNegotiationErrorCode.MediaMismatch);
    }

    [Fact]
    public void AnAnswerThatReEnablesAStreamWeDisabledIsRejected()
    {
        var negotiator = Remote.Negotiator();
        negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 0", "m=video 5006 RTP/AVP 31"));
        negotiator.CreateOffer();

        negotiator.TryApplyAnswer(Remote.Sdp("m=audio 5004 RTP/AVP 0", "m=video 5006 RTP/AVP 31"), out var error).ShouldBeFalse();

        error.Code.ShouldBe(SdpNegotiationErrorCode.MediaMismatch);
    }

    [Fact]
    public void AnAnswerWithNoCodecWeOfferedIsRejected()
    {
        var negotiator = Remote.Negotiator();
        negotiator.CreateOffer();

        negotiator.TryApplyAnswer(Remote.Sdp("m=audio 5004 RTP/AVP 18", "a=rtpmap:18 G729/8000"), out var error).ShouldBeFalse();

        error.Code.ShouldBe(SdpNegotiationErrorCode.NoCommonCodec);
    }

    [Fact]
    public void AnAnswerRejectingOurAudioIsRejected()
    {
        var negotiator = Remote.Negotiator();
        negotiator.CreateOffer();

        negotiator.TryApplyAnswer(Remote.Sdp("m=audio 0 RTP/AVP 0"), out var error).ShouldBeFalse();

        error.Code.ShouldBe(SdpNegotiationErrorCode.NoAcceptableMedia);
    }

    [Fact]
    public void AnAnswerWithoutAnOutstandingOfferIsRejected()
    {
        var negotiator = Remote.Established();

        negotiator.TryApplyAnswer(Remote.AudioOffer(), out var error).ShouldBeFalse();

        error.Code.ShouldBe(SdpNegotiationErrorCode.NoOfferPending);
    }

    [Fact]
    public void AnInvalidAnswerLeavesThePreviousExchangeInForce()
    {
        var negotiator = Remote.Established();
        var before = negotiator.Current;
        negotiator.CreateHoldOffer();

        negotiator.TryApplyAnswer(Remote.Sdp("m=audio 5004 RTP/AVP 18"), out _).ShouldBeFalse();

        negotiator.Current.ShouldBe(before);
        negotiator.WeHoldRemote.ShouldBeFalse();
        negotiator.HasPendingOffer.ShouldBeFalse();
    }

    [Fact]
    public void ACancelledOfferIsForgottenAndItsIntentDropped()
    {
        var negotiator = Remote.Established();
        negotiator.CreateHoldOffer();

        negotiator.CancelOffer();

        negotiator.HasPendingOffer.ShouldBeFalse();
        negotiator.WeHoldRemote.ShouldBeFalse();
        negotiator.CreateOffer().Audio().Direction.ShouldBe(SdpDirection.SendRecv);
    }

    [Fact]
    public void AReOfferKeepsEveryNegotiatedMediaLineInItsPlace()
    {
        var negotiator = Remote.Negotiator();
        negotiator.Answer(Remote.Sdp("m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000", "m=audio 5004 RTP/AVP 0", "m=image 0 udptl t38"));

        var offer = negotiator.CreateHoldOffer();

        offer.Media.Select(media => (media.MediaType, media.Port)).ShouldBe([("video", 0), ("audio", 40000), ("image", 0)]);
        offer.Media[2].Formats.ShouldBe(["t38"]);
    }

    [Fact]
    public void AReOfferKeepsTheTelephoneEventNumberTheFarEndChose()
    {
        var negotiator = Remote.Negotiator();
        negotiator.Answer(Remote.Sdp("m=audio 5004 RTP/AVP 0 96", "a=rtpmap:96 telephone-event/8000"));

        var offer = negotiator.CreateOffer();

        offer.Audio().Formats.ShouldBe(["0", "8", "96"]);
        offer.Audio().Fmtps.ShouldBe([new SdpFmtp(96, "0-16")]);
    }

    [Theory]
    [InlineData("two words", 40000)]
    [InlineData("-", 0)]
    [InlineData("-", 70000)]
    public void ALocalSetupThatCannotBeWrittenIsRefusedUpFront(string userName, int port) =>
        Should.Throw<ArgumentException>(() => new SdpNegotiator(Remote.Local with { UserName = userName, RtpPort = port }, 1));
}
