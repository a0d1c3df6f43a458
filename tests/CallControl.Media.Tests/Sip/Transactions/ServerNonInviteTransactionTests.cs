using CallControl.Media.Sip.Transactions;
using static CallControl.Media.Tests.Sip.Transactions.TransactionHarness;

namespace CallControl.Media.Tests.Sip.Transactions;

public sealed class ServerNonInviteTransactionTests : IDisposable
{
    private readonly TransactionHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void NoTryingIsSentForANonInviteRequest()
    {
        _harness.Receive(Request(method: "OPTIONS"));

        _harness.Wire.Sent.ShouldBeEmpty();
        _harness.User.LastTransaction.State.ShouldBe(SipTransactionState.Trying);
    }

    [Fact]
    public void ARetransmissionInTryingIsAbsorbedAndOneInProceedingGetsTheLastProvisional()
    {
        _harness.Receive(Request(method: "BYE", toTag: "t1"));
        var transaction = _harness.User.LastTransaction;
        _harness.Receive(Request(method: "BYE", toTag: "t1"));
        _harness.Wire.Sent.ShouldBeEmpty();

        transaction.Respond(100);
        _harness.Receive(Request(method: "BYE", toTag: "t1"));

        _harness.Wire.Responses(100).Count.ShouldBe(2);
        transaction.State.ShouldBe(SipTransactionState.Proceeding);
        _harness.User.Requests.ShouldHaveSingleItem();
    }

    [Fact]
    public void ARetransmissionInCompletedGetsTheFinalAgainUntilTimerJAt64T1OverUdp()
    {
        _harness.Receive(Request(method: "BYE", toTag: "t1"));
        var transaction = _harness.User.LastTransaction;
        _harness.AdvanceTo(1);
        transaction.Respond(200);
        _harness.AdvanceTo(2);
        _harness.Receive(Request(method: "BYE", toTag: "t1"));

        _harness.AdvanceTo(32.99);
        transaction.State.ShouldBe(SipTransactionState.Completed);
        _harness.AdvanceTo(33);
        transaction.State.ShouldBe(SipTransactionState.Terminated);

        _harness.Wire.Responses(200).Select(m => m.At.TotalSeconds).ShouldBe([1, 2]);
        transaction.Respond(500).ShouldBeFalse();
    }

    [Fact]
    public void AFinalResponseIsNeverRetransmittedOnItsOwn()
    {
        _harness.Receive(Request(method: "OPTIONS"));
        _harness.User.LastTransaction.Respond(200);

        _harness.AdvanceTo(40);

        _harness.Wire.Responses(200).ShouldHaveSingleItem();
    }

    [Fact]
    public void OverTcpTimerJIsZero()
    {
        _harness.Receive(Request(method: "OPTIONS", transport: "TCP"), PeerTcp);
        var transaction = _harness.User.LastTransaction;

        transaction.Respond(200);

        transaction.State.ShouldBe(SipTransactionState.Terminated);
        _harness.Layer.ServerTransactionCount.ShouldBe(0);
        _harness.Wire.Responses(200).ShouldHaveSingleItem().To.ShouldBe(PeerTcp with { EndPoint = new(PeerAddress.Address, 5062) });
    }

    [Fact]
    public void ASecondFinalResponseIsRefused()
    {
        _harness.Receive(Request(method: "OPTIONS"));
        var transaction = _harness.User.LastTransaction;

        transaction.Respond(200).ShouldBeTrue();
        transaction.Respond(500).ShouldBeFalse();

        _harness.Wire.AllResponses.ShouldHaveSingleItem();
    }
}
