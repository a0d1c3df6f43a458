using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;
using static CallControl.Media.Tests.Sip.Transactions.TransactionHarness;

namespace CallControl.Media.Tests.Sip.Transactions;

public sealed class ServerInviteTransactionTests : IDisposable
{
    private readonly TransactionHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void AnInviteTheUserLeavesUnansweredGets100TryingAtOnce()
    {
        _harness.Receive(Request());

        var trying = _harness.Wire.Responses(100).ShouldHaveSingleItem();
        trying.At.ShouldBe(TimeSpan.Zero);
        trying.To.ShouldBe(PeerUdp);
        trying.Response.To!.Tag.ShouldBeNull();
        _harness.User.Requests.ShouldHaveSingleItem().Request.Method.ShouldBe(SipMethod.Invite);
        _harness.User.LastTransaction.State.ShouldBe(SipTransactionState.Proceeding);
    }

    [Fact]
    public void NoTryingIsSentWhenTheUserAnswersWithAProvisionalAtOnce()
    {
        _harness.User.Answer = (transaction, _) => transaction.Respond(180).ShouldBeTrue();

        _harness.Receive(Request());

        _harness.Wire.AllResponses.Select(m => m.Response.StatusCode).ShouldBe([180]);
    }

    [Fact]
    public void ARetransmittedInviteGetsTheLastProvisionalAndIsNotPassedUp()
    {
        _harness.Receive(Request());
        _harness.Advance(0.2);
        _harness.User.LastTransaction.Respond(180);
        _harness.Advance(0.3);

        _harness.Receive(Request());

        _harness.Wire.AllResponses.Select(m => (m.At.TotalSeconds, m.Response.StatusCode)).ShouldBe([(0, 100), (0.2, 180), (0.5, 180)]);
        _harness.User.Requests.ShouldHaveSingleItem();
    }

    [Fact]
    public void OverUdpTimerGRetransmitsANon2xxFinalCappedAtT2AndTimerHTellsTheUserAt64T1()
    {
        _harness.Receive(Request());
        var transaction = _harness.User.LastTransaction;
        transaction.Respond(486).ShouldBeTrue();

        _harness.AdvanceTo(40);

        _harness.Wire.Responses(486).Select(m => m.At.TotalSeconds)
            .ShouldBe([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]);
        _harness.User.Failures.ShouldHaveSingleItem().ShouldBe((transaction, SipTransactionFailure.Timeout));
        transaction.State.ShouldBe(SipTransactionState.Terminated);
    }

    [Fact]
    public void OverTcpANon2xxFinalIsNotRetransmittedAndTimerHStillTellsTheUser()
    {
        _harness.Receive(Request(transport: "TCP"), PeerTcp);
        var transaction = _harness.User.LastTransaction;
        transaction.Respond(486);

        _harness.AdvanceTo(31.99);
        _harness.User.Failures.ShouldBeEmpty();
        _harness.AdvanceTo(40);

        _harness.Wire.Responses(486).ShouldHaveSingleItem();
        _harness.User.Failures.ShouldHaveSingleItem().Failure.ShouldBe(SipTransactionFailure.Timeout);
    }

    [Fact]
    public void TheAckForANon2xxIsAbsorbedStopsTimerGAndTimerIEndsTheTransactionAfterT4()
    {
        _harness.Receive(Request());
        var transaction = _harness.User.LastTransaction;
        transaction.Respond(486);
        _harness.AdvanceTo(1);

        _harness.Receive(Request(method: "ACK", toTag: transaction.ToTag));
        _harness.Receive(Request(method: "ACK", toTag: transaction.ToTag));
        transaction.State.ShouldBe(SipTransactionState.Confirmed);
        _harness.AdvanceTo(5.99);
        transaction.State.ShouldBe(SipTransactionState.Confirmed);
        _harness.AdvanceTo(6);

        transaction.State.ShouldBe(SipTransactionState.Terminated);
        _harness.Wire.Responses(486).Select(m => m.At.TotalSeconds).ShouldBe([0, 0.5]);
        _harness.User.Acks.ShouldBeEmpty();
        _harness.User.Failures.ShouldBeEmpty();
    }

    [Fact]
    public void OverTcpTimerIIsZero()
    {
        _harness.Receive(Request(transport: "TCP"), PeerTcp);
        var transaction = _harness.User.LastTransaction;
        transaction.Respond(603);

        _harness.Receive(Request(method: "ACK", transport: "TCP", toTag: transaction.ToTag), PeerTcp);

        transaction.State.ShouldBe(SipTransactionState.Terminated);
        _harness.User.Acks.ShouldBeEmpty();
    }

    [Fact]
    public void ARetransmittedInviteInCompletedGetsTheFinalAgain()
    {
        _harness.Receive(Request());
        _harness.User.LastTransaction.Respond(486);
        _harness.AdvanceTo(0.2);

        _harness.Receive(Request());

        _harness.Wire.Responses(486).Select(m => m.At.TotalSeconds).ShouldBe([0, 0.2]);
    }

    [Fact]
    public void A2xxLeadsToAcceptedWhereRetransmittedInvitesAreAbsorbedAndThe2xxIsNeverRetransmittedByTheTransaction()
    {
        _harness.Receive(Request());
        var transaction = _harness.User.LastTransaction;
        transaction.Respond(200).ShouldBeTrue();
        _harness.AdvanceTo(3);

        _harness.Receive(Request());

        transaction.State.ShouldBe(SipTransactionState.Accepted);
        _harness.Wire.Responses(200).ShouldHaveSingleItem();
        _harness.User.Requests.ShouldHaveSingleItem();
    }

    [Fact]
    public void InAcceptedThe2xxRetransmissionsOfTheDialogLayerGoOutAndOtherResponsesAreRefused()
    {
        _harness.Receive(Request());
        var transaction = _harness.User.LastTransaction;
        var ok = SipResponse.Create(transaction.Request, 200, toTag: "uas-tag");
        transaction.Respond(ok);
        _harness.AdvanceTo(0.5);

        transaction.Respond(ok).ShouldBeTrue();
        transaction.Respond(486).ShouldBeFalse();

        _harness.Wire.Responses(200).Select(m => m.At.TotalSeconds).ShouldBe([0, 0.5]);
        _harness.Wire.Responses(486).ShouldBeEmpty();
        transaction.ToTag.ShouldBe("uas-tag");
    }

    [Fact]
    public void TimerLEndsTheAcceptedTransactionAfter64T1()
    {
        _harness.Receive(Request());
        var transaction = _harness.User.LastTransaction;
        _harness.AdvanceTo(1);
        transaction.Respond(200);

        _harness.AdvanceTo(32.99);
        transaction.State.ShouldBe(SipTransactionState.Accepted);
        _harness.AdvanceTo(33);

        transaction.State.ShouldBe(SipTransactionState.Terminated);
        transaction.Respond(200).ShouldBeFalse();
        _harness.Layer.ServerTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void TheAckForA2xxHasItsOwnBranchAndGoesToTheUser()
    {
        _harness.Receive(Request());
        var transaction = _harness.User.LastTransaction;
        transaction.Respond(200);

        _harness.Receive(Request(method: "ACK", branch: "z9hG4bKack2xx", toTag: transaction.ToTag));

        _harness.User.Acks.ShouldHaveSingleItem().TopVia!.Branch.ShouldBe("z9hG4bKack2xx");
        transaction.State.ShouldBe(SipTransactionState.Accepted);
    }

    [Fact]
    public void AnUnexpectedExceptionFromTheUserIsAnswered500()
    {
        _harness.User.Answer = (_, _) => throw new InvalidOperationException("user bug");

        _harness.Receive(Request());

        _harness.Wire.AllResponses.Select(m => m.Response.StatusCode).ShouldBe([500]);
    }

    [Fact]
    public void AFinalResponseTheTransportCannotSendIsReportedToTheUser()
    {
        _harness.Receive(Request(transport: "TCP"), PeerTcp);
        var transaction = _harness.User.LastTransaction;
        _harness.Wire.Result = CallControl.Media.Sip.Transport.SipSendResult.SendFailed;

        transaction.Respond(200).ShouldBeTrue();

        transaction.State.ShouldBe(SipTransactionState.Terminated);
        _harness.User.Failures.ShouldHaveSingleItem().Failure.ShouldBe(SipTransactionFailure.TransportError);
    }
}
