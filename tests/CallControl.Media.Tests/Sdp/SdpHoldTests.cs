using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

public sealed class SdpHoldTests
{
    [Theory]
    [InlineData("a=sendrecv", SdpDirection.SendRecv, false)]
    [InlineData("a=sendonly", SdpDirection.RecvOnly, true)]
    [InlineData("a=inactive", SdpDirection.Inactive, true)]
    [InlineData("a=recvonly", SdpDirection.SendOnly, false)]
    public void ARemoteOffersDirectionIsMirroredAndSendonlyOrInactiveIsHold(string offered, SdpDirection answered, bool holdsUs)
    {
        var negotiator = Remote.Established();

        var answer = negotiator.Answer(Remote.AudioOffer(offered));

        answer.Audio().Direction.ShouldBe(answered);
        negotiator.Current!.LocalDirection.ShouldBe(answered);
        negotiator.Current.RemoteHoldsUs.ShouldBe(holdsUs);
    }

    [Theory]
    [InlineData("c=IN IP4 0.0.0.0", "a=sendrecv", SdpDirection.RecvOnly)]
    [InlineData("c=IN IP4 0.0.0.0", "a=sendonly", SdpDirection.RecvOnly)]
    [InlineData("c=IN IP4 0.0.0.0", "a=recvonly", SdpDirection.Inactive)]
    [InlineData("c=IN IP6 ::", "a=sendrecv", SdpDirection.RecvOnly)]
    public void AnOfferOnTheUnspecifiedAddressIsHoldAndAnsweredFromOurRealAddress(string connection, string offered, SdpDirection answered)
    {
        var negotiator = Remote.Established();

        var answer = negotiator.Answer(Remote.SdpAt(connection, "m=audio 5004 RTP/AVP 0", offered));

        answer.Audio().Direction.ShouldBe(answered);
        answer.Connection.ShouldBe(new SdpAddress(SdpAddressType.IP4, "198.51.100.20"));
        negotiator.Current!.RemoteHoldsUs.ShouldBeTrue();
        negotiator.Current.RemoteRtpEndPoint.ShouldBeNull();
        negotiator.Current.SendsMedia.ShouldBeFalse();
    }

    [Fact]
    public void AnOfferWithoutADirectionAttributeOnTheUnspecifiedAddressIsHold()
    {
        var negotiator = Remote.Established();

        var answer = negotiator.Answer(Remote.SdpAt("c=IN IP4 0.0.0.0", "m=audio 5004 RTP/AVP 0"));

        answer.Audio().Direction.ShouldBe(SdpDirection.RecvOnly);
        negotiator.Current!.RemoteDirection.ShouldBe(SdpDirection.SendOnly);
    }

    [Fact]
    public void OurHoldOfferIsSendonlyAndItsAnswerLeavesUsHoldingThem()
    {
        var negotiator = Remote.Established();

        var offer = negotiator.CreateHoldOffer();
        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 0", "a=recvonly"));

        offer.Audio().Direction.ShouldBe(SdpDirection.SendOnly);
        negotiator.WeHoldRemote.ShouldBeTrue();
        negotiator.Current!.WeHoldRemote.ShouldBeTrue();
        negotiator.Current.LocalDirection.ShouldBe(SdpDirection.SendOnly);
        negotiator.Current.RemoteHoldsUs.ShouldBeFalse();
        negotiator.Current.SendsMedia.ShouldBeTrue();
        negotiator.Current.ReceivesMedia.ShouldBeFalse();
    }

    [Fact]
    public void OurHoldOfferIsInactiveWhenTheFarEndAlreadyHoldsUs()
    {
        var negotiator = Remote.Established();
        negotiator.Answer(Remote.AudioOffer("a=sendonly"));

        var offer = negotiator.CreateHoldOffer();

        offer.Audio().Direction.ShouldBe(SdpDirection.Inactive);
    }

    [Fact]
    public void ASendrecvAnswerToOurHoldOfferStillLeavesTheFarEndHeld()
    {
        var negotiator = Remote.Established();
        negotiator.CreateHoldOffer();

        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 0", "a=sendrecv"));

        negotiator.WeHoldRemote.ShouldBeTrue();
        negotiator.Current!.ReceivesMedia.ShouldBeFalse();
    }

    [Theory]
    [InlineData("a=sendrecv", SdpDirection.SendOnly)]
    [InlineData("a=sendonly", SdpDirection.Inactive)]
    [InlineData("a=recvonly", SdpDirection.SendOnly)]
    [InlineData("a=inactive", SdpDirection.Inactive)]
    public void WhileWeHoldThemOurAnswerNeverExceedsOurHold(string offered, SdpDirection answered)
    {
        var negotiator = Remote.Established();
        negotiator.CreateHoldOffer();
        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 0", "a=recvonly"));

        var answer = negotiator.Answer(Remote.AudioOffer(offered));

        answer.Audio().Direction.ShouldBe(answered);
        negotiator.Current!.WeHoldRemote.ShouldBeTrue();
    }

    [Fact]
    public void OurResumeOfferIsSendrecvAndItsAnswerEndsOurHold()
    {
        var negotiator = Remote.Established();
        negotiator.CreateHoldOffer();
        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 0", "a=recvonly"));

        var offer = negotiator.CreateResumeOffer();
        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 0", "a=sendrecv"));

        offer.Audio().Direction.ShouldBe(SdpDirection.SendRecv);
        negotiator.WeHoldRemote.ShouldBeFalse();
        negotiator.Current!.SendsMedia.ShouldBeTrue();
        negotiator.Current.ReceivesMedia.ShouldBeTrue();
    }

    [Fact]
    public void TheFarEndKeepingUsOnHoldInItsAnswerIsRecorded()
    {
        var negotiator = Remote.Established();
        negotiator.Answer(Remote.AudioOffer("a=inactive"));

        negotiator.CreateResumeOffer();
        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 0", "a=sendonly"));

        negotiator.Current!.RemoteHoldsUs.ShouldBeTrue();
        negotiator.Current.LocalDirection.ShouldBe(SdpDirection.SendRecv);
        negotiator.Current.SendsMedia.ShouldBeFalse();
    }
}
