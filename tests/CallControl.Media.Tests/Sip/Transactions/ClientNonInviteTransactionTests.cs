using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;
using static CallControl.Media.Tests.Sip.Transactions.TransactionHarness;

namespace CallControl.Media.Tests.Sip.Transactions;

public sealed class ClientNonInviteTransactionTests : IDisposable
{
    private readonly TransactionHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void OverUdpTimerEDoublesUpToT2AndTimerFTimesOutAt64T1()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Options), PeerUdp, _harness.Client);
        transaction.State.ShouldBe(SipTransactionState.Trying);

        _harness.AdvanceTo(40);

        _harness.Wire.Requests(SipMethod.Options).Select(m => m.At.TotalSeconds)
            .ShouldBe([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]);
        _harness.Client.Failures.ShouldBe([(Seconds(32), SipTransactionFailure.Timeout)]);
        transaction.State.ShouldBe(SipTransactionState.Terminated);
    }

    [Fact]
    public void InProceedingTimerERetransmitsEveryT2()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Bye), PeerUdp, _harness.Client);
        _harness.AdvanceTo(0.6);
        _harness.Receive(Answer(transaction.Request, 100));

        _harness.AdvanceTo(14);

        _harness.Wire.Requests(SipMethod.Bye).Select(m => m.At.TotalSeconds).ShouldBe([0, 0.5, 1.5, 5.5, 9.5, 13.5]);
        transaction.State.ShouldBe(SipTransactionState.Proceeding);
        _harness.Client.StatusCodes.ShouldBe([100]);
    }

    [Fact]
    public void OverTcpNothingIsRetransmittedAndTimerFStillTimesOut()
    {
        _harness.Layer.SendRequest(Outgoing(SipMethod.Options), PeerTcp, _harness.Client);

        _harness.AdvanceTo(40);

        _harness.Wire.Requests(SipMethod.Options).ShouldHaveSingleItem();
        _harness.Client.Failures.ShouldBe([(Seconds(32), SipTransactionFailure.Timeout)]);
    }

    [Fact]
    public void AFinalResponseIsPassedUpOnceAndTimerKAbsorbsRetransmissionsForT4OverUdp()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Bye), PeerUdp, _harness.Client);
        _harness.AdvanceTo(1);
        var ok = Answer(transaction.Request, 200);
        _harness.Receive(ok);
        _harness.Receive(ok);

        _harness.AdvanceTo(5.99);
        transaction.State.ShouldBe(SipTransactionState.Completed);
        _harness.AdvanceTo(6);
        transaction.State.ShouldBe(SipTransactionState.Terminated);

        _harness.Client.StatusCodes.ShouldBe([200]);
        _harness.Wire.Requests(SipMethod.Bye).Count.ShouldBe(2);
        _harness.User.StrayResponses.ShouldBeEmpty();
    }

    [Fact]
    public void OverTcpTimerKIsZero()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Bye), PeerTcp, _harness.Client);
        _harness.Receive(Answer(transaction.Request, 481), PeerTcp);

        transaction.State.ShouldBe(SipTransactionState.Terminated);
        _harness.Client.StatusCodes.ShouldBe([481]);
        _harness.Layer.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void AResponseForAnotherMethodWithTheSameBranchDoesNotMatch()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Bye), PeerUdp, _harness.Client);
        var wrongMethod = Answer(transaction.Request, 200).WithCSeq(new CSeq(1, SipMethod.Info));

        _harness.Receive(wrongMethod);

        _harness.Client.Responses.ShouldBeEmpty();
        _harness.User.StrayResponses.ShouldHaveSingleItem();
    }

    [Fact]
    public void AResponseWhoseViaIsNotOursIsDropped()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Bye), PeerUdp, _harness.Client);
        var foreign = Answer(transaction.Request, 200)
            .WithHeader(SipHeaderNames.Via, "SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bKelsewhere");

        _harness.Receive(foreign);

        _harness.Client.Responses.ShouldBeEmpty();
        _harness.User.StrayResponses.ShouldBeEmpty();
    }
}
