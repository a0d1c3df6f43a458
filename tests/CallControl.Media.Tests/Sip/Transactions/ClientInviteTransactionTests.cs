using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;
using static CallControl.Media.Tests.Sip.Transactions.TransactionHarness;

namespace CallControl.Media.Tests.Sip.Transactions;

public sealed class ClientInviteTransactionTests : IDisposable
{
    private readonly TransactionHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void TheRequestGetsOurViaWithAFreshBranchAndRPortAndMaxForwards()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);

        var sent = _harness.Wire.Requests(SipMethod.Invite).ShouldHaveSingleItem();
        sent.To.ShouldBe(PeerUdp);
        var via = sent.Request.TopVia.ShouldNotBeNull();
        via.Transport.ShouldBe("UDP");
        via.Host.ShouldBe("192.0.2.10");
        via.Port.ShouldBe(5060);
        via.HasRfc3261Branch.ShouldBeTrue();
        via.Branch.ShouldBe(transaction.Branch);
        via.HasRPort.ShouldBeTrue();
        sent.Request.MaxForwards.ShouldBe(70);
        transaction.State.ShouldBe(SipTransactionState.Calling);

        var second = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite, 2), PeerUdp, _harness.Client);
        second.Branch.ShouldNotBe(transaction.Branch);
    }

    [Fact]
    public void OverUdpTimerARetransmitsWithDoublingIntervalsUntilTimerBTimesOut()
    {
        _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);

        _harness.AdvanceTo(40);

        _harness.Wire.Requests(SipMethod.Invite).Select(m => m.At.TotalSeconds)
            .ShouldBe([0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]);
        _harness.Client.Failures.ShouldBe([(Seconds(32), SipTransactionFailure.Timeout)]);
        _harness.Layer.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void OverTcpNothingIsRetransmittedAndTimerBStillTimesOut()
    {
        _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerTcp, _harness.Client);

        _harness.AdvanceTo(31.99);
        _harness.Client.Failures.ShouldBeEmpty();
        _harness.AdvanceTo(40);

        _harness.Wire.Requests(SipMethod.Invite).ShouldHaveSingleItem().Request.TopVia!.Transport.ShouldBe("TCP");
        _harness.Client.Failures.ShouldBe([(Seconds(32), SipTransactionFailure.Timeout)]);
    }

    [Fact]
    public void TimersFollowAConfiguredT1()
    {
        using var harness = new TransactionHarness(new SipTransactionOptions { T1 = TimeSpan.FromMilliseconds(100) });
        harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, harness.Client);

        harness.AdvanceTo(10);

        harness.Wire.Requests(SipMethod.Invite).Select(m => m.At.TotalSeconds).ShouldBe([0, 0.1, 0.3, 0.7, 1.5, 3.1, 6.3]);
        harness.Client.Failures.ShouldBe([(Seconds(6.4), SipTransactionFailure.Timeout)]);
    }

    [Fact]
    public void AProvisionalResponseStopsRetransmissionAndTimerBAndIsPassedUp()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);
        _harness.AdvanceTo(1);
        _harness.Receive(Answer(transaction.Request, 180));

        _harness.AdvanceTo(120);

        _harness.Wire.Requests(SipMethod.Invite).Count.ShouldBe(2);
        _harness.Client.StatusCodes.ShouldBe([180]);
        _harness.Client.Failures.ShouldBeEmpty();
        transaction.State.ShouldBe(SipTransactionState.Proceeding);
    }

    [Fact]
    public void ANon2xxFinalIsAcknowledgedByTheTransactionWithTheInviteBranchTheResponseToTagAndTheRoutes()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);
        _harness.Receive(Answer(transaction.Request, 486, toTag: "busy-tag"));

        var ack = _harness.Wire.Requests(SipMethod.Ack).ShouldHaveSingleItem();
        ack.To.ShouldBe(PeerUdp);
        ack.Request.RequestUri.ShouldBe(transaction.Request.RequestUri);
        ack.Request.Vias.ShouldHaveSingleItem().Branch.ShouldBe(transaction.Branch);
        ack.Request.To!.Tag.ShouldBe("busy-tag");
        ack.Request.From.ShouldBe(transaction.Request.From);
        ack.Request.CallId.ShouldBe(transaction.Request.CallId);
        ack.Request.CSeq.ShouldBe(new CSeq(1, SipMethod.Ack));
        ack.Request.Routes.ShouldBe(transaction.Request.Routes);
        _harness.Client.StatusCodes.ShouldBe([486]);
        transaction.State.ShouldBe(SipTransactionState.Completed);
    }

    [Fact]
    public void ARetransmittedNon2xxFinalIsAcknowledgedAgainButNotPassedUp()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);
        var busy = Answer(transaction.Request, 486);
        _harness.Receive(busy);
        _harness.Advance(1);
        _harness.Receive(busy);

        _harness.Wire.Requests(SipMethod.Ack).Count.ShouldBe(2);
        _harness.Client.StatusCodes.ShouldBe([486]);
    }

    [Fact]
    public void OverUdpTimerDKeepsTheCompletedTransactionFor32Seconds()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);
        _harness.AdvanceTo(2);
        _harness.Receive(Answer(transaction.Request, 603));

        _harness.AdvanceTo(33.99);
        transaction.State.ShouldBe(SipTransactionState.Completed);
        _harness.AdvanceTo(34);
        transaction.State.ShouldBe(SipTransactionState.Terminated);
        _harness.Layer.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void OverTcpTimerDIsZero()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerTcp, _harness.Client);
        _harness.Receive(Answer(transaction.Request, 603), PeerTcp);

        transaction.State.ShouldBe(SipTransactionState.Terminated);
        _harness.Wire.Requests(SipMethod.Ack).ShouldHaveSingleItem();
        _harness.Client.StatusCodes.ShouldBe([603]);
    }

    [Fact]
    public void A2xxIsPassedUpWithoutAnAckAndRetransmitted2xxInAcceptedArePassedUpToo()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);
        var ok = Answer(transaction.Request, 200);
        _harness.Receive(ok);
        _harness.Advance(0.5);
        _harness.Receive(ok);
        _harness.Receive(Answer(transaction.Request, 200, toTag: "forked-tag"));
        _harness.Receive(Answer(transaction.Request, 180));

        _harness.Client.StatusCodes.ShouldBe([200, 200, 200]);
        _harness.Client.Responses[2].Response.To!.Tag.ShouldBe("forked-tag");
        _harness.Wire.Requests(SipMethod.Ack).ShouldBeEmpty();
        transaction.State.ShouldBe(SipTransactionState.Accepted);
    }

    [Fact]
    public void TimerMEndsTheAcceptedTransactionAfter64T1AndLater2xxGoToTheUserAsStray()
    {
        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);
        _harness.AdvanceTo(1);
        var ok = Answer(transaction.Request, 200);
        _harness.Receive(ok);

        _harness.AdvanceTo(32.99);
        transaction.State.ShouldBe(SipTransactionState.Accepted);
        _harness.AdvanceTo(33);
        transaction.State.ShouldBe(SipTransactionState.Terminated);

        _harness.Receive(ok);
        _harness.Client.StatusCodes.ShouldBe([200]);
        _harness.User.StrayResponses.ShouldHaveSingleItem().StatusCode.ShouldBe(200);
    }

    [Fact]
    public void ATransportErrorIsReportedAndEndsTheTransaction()
    {
        _harness.Wire.Result = CallControl.Media.Sip.Transport.SipSendResult.ConnectFailed;

        var transaction = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerTcp, _harness.Client);

        _harness.Client.Failures.ShouldBe([(TimeSpan.Zero, SipTransactionFailure.TransportError)]);
        transaction.State.ShouldBe(SipTransactionState.Terminated);
        _harness.Layer.ClientTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void ACancelReusesTheInviteBranchInItsOwnTransaction()
    {
        var invite = _harness.Layer.SendRequest(Outgoing(SipMethod.Invite), PeerUdp, _harness.Client);
        _harness.Receive(Answer(invite.Request, 180));
        var cancelUser = new RecordingClientUser(() => _harness.Clock.Elapsed);

        var cancel = _harness.Layer.SendCancel(invite, cancelUser);
        _harness.Receive(Answer(cancel.Request, 200));
        _harness.Receive(Answer(invite.Request, 487));

        var sent = _harness.Wire.Requests(SipMethod.Cancel).ShouldHaveSingleItem().Request;
        sent.Vias.ShouldHaveSingleItem().Branch.ShouldBe(invite.Branch);
        sent.CSeq.ShouldBe(new CSeq(1, SipMethod.Cancel));
        sent.RequestUri.ShouldBe(invite.Request.RequestUri);
        sent.Routes.ShouldBe(invite.Request.Routes);
        cancelUser.StatusCodes.ShouldBe([200]);
        _harness.Client.StatusCodes.ShouldBe([180, 487]);
        _harness.Wire.Requests(SipMethod.Ack).ShouldHaveSingleItem();
    }
}
