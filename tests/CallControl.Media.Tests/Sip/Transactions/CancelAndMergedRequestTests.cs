using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;
using static CallControl.Media.Tests.Sip.Transactions.TransactionHarness;

namespace CallControl.Media.Tests.Sip.Transactions;

public sealed class CancelAndMergedRequestTests : IDisposable
{
    private readonly TransactionHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void ACancelOfAPendingInviteIsAnswered200AndTheInvite487WithTheSameToTagAndTheUserIsTold()
    {
        _harness.User.Answer = (transaction, _) => transaction.Respond(180);
        _harness.Receive(Request());
        var invite = _harness.User.LastTransaction;

        _harness.Receive(Request(method: "CANCEL"));

        var ok = _harness.Wire.Responses(200).ShouldHaveSingleItem().Response;
        ok.CSeq.ShouldBe(new CSeq(1, SipMethod.Cancel));
        var terminated = _harness.Wire.Responses(487).ShouldHaveSingleItem().Response;
        terminated.CSeq.ShouldBe(new CSeq(1, SipMethod.Invite));
        terminated.To!.Tag.ShouldBe(invite.ToTag);
        ok.To!.Tag.ShouldBe(invite.ToTag);
        _harness.User.Cancels.ShouldHaveSingleItem().Invite.ShouldBe(invite);
        _harness.User.Requests.ShouldHaveSingleItem();
        invite.State.ShouldBe(SipTransactionState.Completed);
        invite.Respond(200).ShouldBeFalse();
    }

    [Fact]
    public void ACancelAfterTheFinalResponseIsAnswered200AndChangesNothing()
    {
        _harness.Receive(Request());
        var invite = _harness.User.LastTransaction;
        invite.Respond(200);

        _harness.Receive(Request(method: "CANCEL"));

        _harness.Wire.Responses(487).ShouldBeEmpty();
        _harness.Wire.Responses(200).Count.ShouldBe(2);
        _harness.User.Cancels.ShouldBeEmpty();
        invite.State.ShouldBe(SipTransactionState.Accepted);
    }

    [Fact]
    public void ACancelMatchingNoInviteIsAnswered481()
    {
        _harness.Receive(Request(method: "CANCEL", branch: "z9hG4bKnothing"));

        _harness.Wire.AllResponses.ShouldHaveSingleItem().Response.StatusCode.ShouldBe(481);
        _harness.User.Requests.ShouldBeEmpty();
        _harness.User.Cancels.ShouldBeEmpty();
    }

    [Fact]
    public void ARetransmittedCancelGetsThe200AgainAndTheUserIsToldOnce()
    {
        _harness.Receive(Request());
        _harness.Receive(Request(method: "CANCEL"));

        _harness.Receive(Request(method: "CANCEL"));

        _harness.Wire.Responses(200).Count.ShouldBe(2);
        _harness.Wire.Responses(487).ShouldHaveSingleItem();
        _harness.User.Cancels.ShouldHaveSingleItem();
    }

    [Fact]
    public void ARequestArrivingAgainByAnotherPathIsAnswered482LoopDetected()
    {
        _harness.Receive(Request(branch: "z9hG4bKpath1"));

        _harness.Receive(Request(branch: "z9hG4bKpath2", sentBy: "203.0.113.5:5060"));

        var merged = _harness.Wire.Responses(482).ShouldHaveSingleItem();
        merged.Response.TopVia!.Branch.ShouldBe("z9hG4bKpath2");
        merged.Response.To!.Tag.ShouldNotBeNull();
        _harness.User.Requests.ShouldHaveSingleItem();
    }

    [Fact]
    public void ARequestWithAToTagIsNeverTakenForAMergedOne()
    {
        _harness.Receive(Request(method: "INFO", branch: "z9hG4bKp1", toTag: "dialog"));

        _harness.Receive(Request(method: "INFO", branch: "z9hG4bKp2", toTag: "dialog"));

        _harness.Wire.Responses(482).ShouldBeEmpty();
        _harness.User.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public void OnceTheFirstCopyIsOverTheSameOriginIsNoLongerMerged()
    {
        _harness.Receive(Request(method: "OPTIONS", transport: "TCP", branch: "z9hG4bKq1"), PeerTcp);
        _harness.User.LastTransaction.Respond(200);

        _harness.Receive(Request(method: "OPTIONS", transport: "TCP", branch: "z9hG4bKq2"), PeerTcp);

        _harness.Wire.Responses(482).ShouldBeEmpty();
        _harness.User.Requests.Count.ShouldBe(2);
    }
}
