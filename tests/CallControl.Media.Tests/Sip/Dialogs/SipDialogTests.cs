using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using static CallControl.Media.Tests.Sip.Dialogs.DialogMessages;

namespace CallControl.Media.Tests.Sip.Dialogs;

public sealed class SipDialogTests
{
    [Fact]
    public void AProvisionalResponseWithATagCreatesAnEarlyDialogForTheCaller()
    {
        var dialog = AliceDialog(180);

        dialog.State.ShouldBe(DialogState.Early);
        dialog.Id.ShouldBe(new DialogId("call-1@192.0.2.10", "alice-tag", "bob-tag"));
        dialog.Role.ShouldBe(DialogRole.Uac);
        dialog.LocalSequence.ShouldBe(314159u);
        dialog.RemoteSequence.ShouldBeNull();
        dialog.RemoteTarget.ToString().ShouldBe("sip:bob@192.0.2.20:5060");
    }

    [Fact]
    public void AResponseWithoutAToTagCreatesNoDialog()
    {
        var untagged = InviteResponse(180).WithTo(new NameAddress { Uri = MessageUri.Parse("sip:bob@example.com") });

        Should.Throw<ArgumentException>(() => SipDialog.CreateAsUac(Invite(), untagged, AliceContact));
    }

    [Fact]
    public void TheCallerReversesRecordRouteAndTheCalleeKeepsItsOrder()
    {
        AliceDialog().RouteSet.Routes.Select(r => r.Uri.ToString()).ShouldBe(["sip:p1.example.com;lr", "sip:p2.example.com;lr"]);
        BobDialog().RouteSet.Routes.Select(r => r.Uri.ToString()).ShouldBe(["sip:p2.example.com;lr", "sip:p1.example.com;lr"]);
    }

    [Fact]
    public void ATwoHundredToTheInviteConfirmsAnEarlyDialogAndTakesItsContact()
    {
        var dialog = AliceDialog(183);

        var outcome = dialog.ReceiveResponse(InviteResponse(200, contact: "sip:bob@198.51.100.7"));

        outcome.ShouldBe(ResponseOutcome.Applied.Instance);
        dialog.State.ShouldBe(DialogState.Confirmed);
        dialog.RemoteTarget.ToString().ShouldBe("sip:bob@198.51.100.7");
    }

    [Fact]
    public void AFailureToTheInviteEndsTheEarlyDialog()
    {
        var dialog = AliceDialog(180);

        dialog.ReceiveResponse(InviteResponse(486)).ShouldBe(ResponseOutcome.DialogTerminated.Instance);
        dialog.State.ShouldBe(DialogState.Terminated);
    }

    [Fact]
    public void AResponseFromAnotherForkIsNotThisDialogs()
    {
        AliceDialog(180).ReceiveResponse(InviteResponse(200, toTag: "other-fork")).ShouldBe(ResponseOutcome.NotThisDialog.Instance);
    }

    [Fact]
    public void TheCalleeIsEarlyUntilItsTwoHundredWhichCarriesTagContactAndRecordRoute()
    {
        var invite = Invite();
        var dialog = SipDialog.CreateAsUas(invite, "bob-tag", BobContact);
        dialog.State.ShouldBe(DialogState.Early);

        var ok = dialog.CreateResponse(invite, 200);

        dialog.State.ShouldBe(DialogState.Confirmed);
        ok.To!.Tag.ShouldBe("bob-tag");
        ok.Contacts.ShouldBe([BobContact]);
        ok.RecordRoutes.Select(r => r.Uri.ToString()).ShouldBe(["sip:p2.example.com;lr", "sip:p1.example.com;lr"]);
        dialog.RemoteSequence.ShouldBe(314159u);
        dialog.LocalSequence.ShouldBeNull();
    }

    [Fact]
    public void TheCalleeEndsTheDialogWithAFailureToTheInvite()
    {
        var invite = Invite();
        var dialog = SipDialog.CreateAsUas(invite, "bob-tag", BobContact);

        dialog.CreateResponse(invite, 603);

        dialog.State.ShouldBe(DialogState.Terminated);
    }

    [Fact]
    public void ARequestWithLooseRoutesGoesToTheRemoteTargetWithTheRouteSetInRoute()
    {
        var bye = AliceDialog().CreateRequest(SipMethod.Bye);

        bye.RequestUri.ToString().ShouldBe("sip:bob@192.0.2.20:5060");
        bye.Routes.Select(r => r.Uri.ToString()).ShouldBe(["sip:p1.example.com;lr", "sip:p2.example.com;lr"]);
        bye.To!.Tag.ShouldBe("bob-tag");
        bye.From!.Tag.ShouldBe("alice-tag");
        bye.CallId.ShouldBe("call-1@192.0.2.10");
        bye.CSeq.ShouldBe(new CSeq(314160, SipMethod.Bye));
        bye.MaxForwards.ShouldBe(70);
    }

    [Fact]
    public void AStrictFirstRouteBecomesTheRequestUriAndTheRemoteTargetGoesLastInRoute()
    {
        var routes = RouteSet.Of(
            new NameAddress { Uri = MessageUri.Parse("sip:strict.example.com;method=INVITE;transport=tcp") },
            new NameAddress { Uri = MessageUri.Parse("sip:p2.example.com;lr") });
        var request = SipRequest.Create(SipMethod.Info, MessageUri.Parse("sip:placeholder.invalid"));

        var routed = routes.Apply(request, MessageUri.Parse("sip:bob@192.0.2.20"));

        routes.IsStrict.ShouldBeTrue();
        routed.RequestUri.ToString().ShouldBe("sip:strict.example.com;transport=tcp");
        routed.Routes.Select(r => r.Uri.ToString()).ShouldBe(["sip:p2.example.com;lr", "sip:bob@192.0.2.20"]);
    }

    [Fact]
    public void WithoutRoutesARequestCarriesNoRouteHeader()
    {
        var routed = RouteSet.Empty.Apply(
            SipRequest.Create(SipMethod.Info, MessageUri.Parse("sip:x.invalid")).AddHeader("Route", "<sip:stale.example.com;lr>"),
            MessageUri.Parse("sip:bob@192.0.2.20"));

        routed.RequestUri.ToString().ShouldBe("sip:bob@192.0.2.20");
        routed.Headers.Contains(SipHeaderNames.Route).ShouldBeFalse();
    }

    [Fact]
    public void TheCalleesFirstRequestStartsItsOwnSequenceBelowTwoToThe31()
    {
        var dialog = BobDialog(new Random(7));

        var first = dialog.CreateRequest(SipMethod.Info).CSeq!.Value.Number;
        var second = dialog.CreateRequest(SipMethod.Info).CSeq!.Value.Number;

        first.ShouldBeLessThan(1u << 31);
        first.ShouldNotBe(314159u);
        second.ShouldBe(first + 1);
        dialog.RemoteSequence.ShouldBe(314159u);
    }

    [Fact]
    public void TheAckForATwoHundredReusesTheInviteSequenceNumberAndCredentials()
    {
        var dialog = AliceDialog();
        var invite = Invite().AddHeader(SipHeaderNames.ProxyAuthorization, "Digest username=\"alice\"");

        var ack = dialog.CreateAck(invite);

        ack.Method.ShouldBe(SipMethod.Ack);
        ack.CSeq.ShouldBe(new CSeq(314159, SipMethod.Ack));
        ack.Headers.First(SipHeaderNames.ProxyAuthorization).ShouldNotBeNull();
        ack.Routes.Count.ShouldBe(2);
        dialog.LocalSequence.ShouldBe(314159u);
    }

    [Fact]
    public void SendingByeEndsTheDialog()
    {
        var dialog = AliceDialog();

        dialog.CreateRequest(SipMethod.Bye);

        dialog.State.ShouldBe(DialogState.Terminated);
        Should.Throw<InvalidOperationException>(() => dialog.CreateRequest(SipMethod.Info));
    }

    [Theory]
    [InlineData("INFO")]
    [InlineData("OPTIONS")]
    [InlineData("NOTIFY")]
    [InlineData("MESSAGE")]
    [InlineData("UPDATE")]
    public void AnInDialogRequestWithAHigherSequenceIsAccepted(string method)
    {
        var dialog = BobDialog();

        var verdict = dialog.ReceiveRequest(FromAlice(method, 314160));

        verdict.ShouldBe(new RequestVerdict.Accepted(dialog));
        dialog.RemoteSequence.ShouldBe(314160u);
    }

    [Theory]
    [InlineData(314159u)]
    [InlineData(314100u)]
    public void ARequestWithASequenceNotAboveTheLastOneGets500(uint cseq)
    {
        var dialog = BobDialog();

        var verdict = dialog.ReceiveRequest(FromAlice("INFO", cseq));

        verdict.ShouldBeOfType<RequestVerdict.Rejected>().Response.StatusCode.ShouldBe(500);
        dialog.RemoteSequence.ShouldBe(314159u);
    }

    [Fact]
    public void TheCallersFirstRequestFromThePeerMayStartAtAnySequence()
    {
        var dialog = AliceDialog();
        var fromBob = Request(
            "INFO sip:alice@192.0.2.10:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bKb1\r\n"
            + "To: <sip:alice@example.com>;tag=alice-tag\r\nFrom: <sip:bob@example.com>;tag=bob-tag\r\n"
            + "Call-ID: call-1@192.0.2.10\r\nCSeq: 5 INFO\r\nContent-Length: 0\r\n\r\n");

        dialog.ReceiveRequest(fromBob).ShouldBeOfType<RequestVerdict.Accepted>();
        dialog.RemoteSequence.ShouldBe(5u);
    }

    [Fact]
    public void AnAckKeepsTheInviteSequenceAndIsAccepted()
    {
        var dialog = BobDialog();

        dialog.ReceiveRequest(FromAlice("ACK", 314159)).ShouldBe(new RequestVerdict.Accepted(dialog));
    }

    [Fact]
    public void ARequestAfterByeGets481()
    {
        var dialog = BobDialog();
        dialog.ReceiveRequest(FromAlice("BYE", 314160)).ShouldBeOfType<RequestVerdict.Accepted>();

        dialog.State.ShouldBe(DialogState.Terminated);
        dialog.ReceiveRequest(FromAlice("INFO", 314161)).ShouldBeOfType<RequestVerdict.Rejected>().Response.StatusCode.ShouldBe(481);
    }

    [Fact]
    public void AnUpdateChangesTheRemoteTargetWhenWeAcceptIt()
    {
        var dialog = BobDialog();
        var update = FromAlice("UPDATE", 314160, "Contact: <sip:alice@203.0.113.9>\r\n");

        dialog.ReceiveRequest(update);
        dialog.RemoteTarget.ToString().ShouldBe("sip:alice@192.0.2.10:5060");
        var ok = dialog.CreateResponse(update, 200);

        dialog.RemoteTarget.ToString().ShouldBe("sip:alice@203.0.113.9");
        ok.Contacts.ShouldBe([BobContact]);
    }

    [Fact]
    public void ARejectedReInviteLeavesTheRemoteTarget()
    {
        var dialog = BobDialog();
        var reInvite = FromAlice("INVITE", 314160, "Contact: <sip:alice@203.0.113.9>\r\n");

        dialog.ReceiveRequest(reInvite);
        dialog.CreateResponse(reInvite, 488);

        dialog.RemoteTarget.ToString().ShouldBe("sip:alice@192.0.2.10:5060");
    }

    [Fact]
    public void ATwoHundredToOurReInviteRefreshesTheRemoteTarget()
    {
        var dialog = AliceDialog();
        var reInvite = dialog.CreateRequest(SipMethod.Invite);

        dialog.ReceiveResponse(ToAlice(reInvite, 200, "Contact: <sip:bob@203.0.113.20>"));

        dialog.RemoteTarget.ToString().ShouldBe("sip:bob@203.0.113.20");
        dialog.Invites.CanSendInvite.ShouldBeTrue();
    }

    [Theory]
    [InlineData(481)]
    [InlineData(408)]
    public void A481Or408ToAnInDialogRequestEndsTheDialog(int status)
    {
        var dialog = AliceDialog();
        var info = dialog.CreateRequest(SipMethod.Info);

        dialog.ReceiveResponse(ToAlice(info, status)).ShouldBe(ResponseOutcome.DialogTerminated.Instance);
        dialog.State.ShouldBe(DialogState.Terminated);
    }

    [Fact]
    public void TargetRefreshRequestsCarryOurContact()
    {
        var dialog = AliceDialog();

        dialog.CreateRequest(SipMethod.Update).Contacts.ShouldBe([AliceContact]);
        dialog.CreateRequest(SipMethod.Info).Contacts.ShouldBeEmpty();
    }

    [Fact]
    public void ThePeersAllowListIsKept()
    {
        AliceDialog().PeerAllows.ShouldContain("UPDATE");
        BobDialog().PeerSupports.ShouldBe(["timer"]);
    }
}
