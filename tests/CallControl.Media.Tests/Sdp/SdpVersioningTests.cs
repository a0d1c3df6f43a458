using CallControl.Media.Sdp;

namespace CallControl.Media.Tests.Sdp;

public sealed class SdpVersioningTests
{
    [Fact]
    public void ARefreshOfferIdenticalToTheLastOneKeepsTheVersion()
    {
        var negotiator = Remote.Established();

        var again = negotiator.CreateOffer();

        again.Origin.SessionVersion.ShouldBe(1UL);
        SdpWriter.WriteText(negotiator.CreateOffer()).ShouldBe(SdpWriter.WriteText(again));
    }

    [Fact]
    public void TheVersionGoesUpByOneEachTimeWhatWeSendChanges()
    {
        var negotiator = Remote.Established();

        var hold = negotiator.CreateHoldOffer();
        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 0", "a=recvonly"));
        var holdRefresh = negotiator.CreateOffer();
        negotiator.Apply(Remote.Sdp("m=audio 5004 RTP/AVP 0", "a=recvonly"));
        var resume = negotiator.CreateResumeOffer();

        hold.Origin.SessionVersion.ShouldBe(2UL);
        holdRefresh.Origin.SessionVersion.ShouldBe(2UL);
        resume.Origin.SessionVersion.ShouldBe(3UL);
        new[] { hold, holdRefresh, resume }.ShouldAllBe(sdp => sdp.Origin.SessionId == 4242UL);
    }

    [Fact]
    public void AnswersShareTheVersionSequenceWithOffers()
    {
        var negotiator = Remote.Negotiator();

        var first = negotiator.Answer(Remote.AudioOffer());
        var sameAgain = negotiator.Answer(Remote.AudioOffer());
        var changed = negotiator.Answer(Remote.AudioOffer("a=sendonly"));
        var offer = negotiator.CreateResumeOffer();

        first.Origin.SessionVersion.ShouldBe(1UL);
        sameAgain.Origin.SessionVersion.ShouldBe(1UL);
        changed.Origin.SessionVersion.ShouldBe(2UL);
        offer.Origin.SessionVersion.ShouldBe(3UL);
    }
}
