using CallControl.Media.Sip.Dialogs;

namespace CallControl.Media.Tests.Sip.Dialogs;

public sealed class InviteOfferAnswerTests
{
    [Fact]
    public void AnInviteWithAnOfferIsAnsweredInOurTwoHundred()
    {
        var exchange = InviteOfferAnswer.ForReceivedInvite(hasBody: true);

        exchange.Step.ShouldBe(OfferAnswerStep.LocalAnswerInResponse);
        exchange.SuccessSent(hasBody: true).IsComplete.ShouldBeTrue();
    }

    [Fact]
    public void ADelayedOfferPutsOurOfferInTheTwoHundredAndExpectsTheAnswerInTheAck()
    {
        var exchange = InviteOfferAnswer.ForReceivedInvite(hasBody: false);
        exchange.Step.ShouldBe(OfferAnswerStep.LocalOfferInResponse);

        exchange = exchange.SuccessSent(hasBody: true);
        exchange.Step.ShouldBe(OfferAnswerStep.RemoteAnswerInAck);

        exchange.AckReceived(hasBody: true).IsComplete.ShouldBeTrue();
    }

    [Fact]
    public void AnAckWithoutTheOwedAnswerFailsTheExchange()
    {
        InviteOfferAnswer.ForReceivedInvite(hasBody: false).SuccessSent(hasBody: true).AckReceived(hasBody: false)
            .Step.ShouldBe(OfferAnswerStep.Failed);
    }

    [Fact]
    public void OurDelayedOfferInviteExpectsTheOfferInTheTwoHundredAndAnswersInTheAck()
    {
        var exchange = InviteOfferAnswer.ForSentInvite(hasBody: false).SuccessReceived(hasBody: true);

        exchange.Step.ShouldBe(OfferAnswerStep.LocalAnswerInAck);
        exchange.AckSent(hasBody: true).IsComplete.ShouldBeTrue();
    }

    [Fact]
    public void OurOfferIsAnsweredInTheirTwoHundred()
    {
        InviteOfferAnswer.ForSentInvite(hasBody: true).SuccessReceived(hasBody: true).IsComplete.ShouldBeTrue();
        InviteOfferAnswer.ForSentInvite(hasBody: true).SuccessReceived(hasBody: false).Step.ShouldBe(OfferAnswerStep.Failed);
    }
}
