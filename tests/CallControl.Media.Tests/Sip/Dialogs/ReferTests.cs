using System.Text;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using static CallControl.Media.Tests.Sip.Dialogs.DialogMessages;

namespace CallControl.Media.Tests.Sip.Dialogs;

public sealed class ReferTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnAcceptedReferGets202AndNotifiesTryingThenOk()
    {
        var dialog = BobDialog();
        var refer = FromAlice("REFER", 314160, "Refer-To: <sip:carol@example.com>\r\nContact: <sip:alice@192.0.2.10>\r\n");
        dialog.ReceiveRequest(refer).ShouldBeOfType<RequestVerdict.Accepted>();

        var (response, subscription) = ReferSubscription.Accept(dialog, refer, Start);
        var trying = subscription.ShouldNotBeNull().CreateNotify(100, Start + TimeSpan.FromSeconds(1));
        var ok = subscription.CreateNotify(200, Start + TimeSpan.FromSeconds(5));

        response.StatusCode.ShouldBe(202);
        trying.Method.ShouldBe(SipMethod.Notify);
        trying.Headers.First(SipHeaderNames.Event)!.Value.ShouldBe("refer");
        trying.Headers.First("Subscription-State")!.Value.ShouldBe("active;expires=59");
        trying.ContentType.ShouldBe("message/sipfrag;version=2.0");
        Encoding.UTF8.GetString(trying.Body.Span).ShouldBe("SIP/2.0 100 Trying\r\n");
        ok.Headers.First("Subscription-State")!.Value.ShouldBe("terminated;reason=noresource");
        Encoding.UTF8.GetString(ok.Body.Span).ShouldBe("SIP/2.0 200 OK\r\n");
        subscription.IsTerminated.ShouldBeTrue();
        Should.Throw<InvalidOperationException>(() => subscription.CreateNotify(200, Start));
    }

    [Fact]
    public void AFailedReferralIsReportedAndEndsTheSubscription()
    {
        var dialog = BobDialog();
        var refer = FromAlice("REFER", 314160, "Refer-To: <sip:carol@example.com>\r\n");
        dialog.ReceiveRequest(refer);

        var notify = ReferSubscription.Accept(dialog, refer, Start).Subscription!.CreateNotify(486, Start);

        Encoding.UTF8.GetString(notify.Body.Span).ShouldBe("SIP/2.0 486 Busy Here\r\n");
        notify.Headers.First("Subscription-State")!.Value.ShouldBe("terminated;reason=noresource");
    }

    [Fact]
    public void ReferSubFalseMeansNoSubscriptionAndTheAcceptanceSaysSo()
    {
        var dialog = BobDialog();
        var refer = FromAlice("REFER", 314160, "Refer-To: <sip:carol@example.com>\r\nRefer-Sub: false\r\n");
        dialog.ReceiveRequest(refer);

        var (response, subscription) = ReferSubscription.Accept(dialog, refer, Start);

        subscription.ShouldBeNull();
        response.Headers.First("Refer-Sub")!.Value.ShouldBe("false");
    }

    [Fact]
    public void TheSecondReferInADialogIsNotifiedWithItsId()
    {
        var dialog = BobDialog();
        var first = FromAlice("REFER", 314160, "Refer-To: <sip:carol@example.com>\r\n");
        var second = FromAlice("REFER", 314161, "Refer-To: <sip:dave@example.com>\r\n");
        dialog.ReceiveRequest(first);
        var firstSubscription = ReferSubscription.Accept(dialog, first, Start).Subscription!;
        dialog.ReceiveRequest(second);

        var notify = ReferSubscription.Accept(dialog, second, Start).Subscription!.CreateNotify(100, Start);

        firstSubscription.Event.ShouldBe("refer");
        notify.Headers.First(SipHeaderNames.Event)!.Value.ShouldBe("refer;id=314161");
    }

    [Fact]
    public void AnExpiredSubscriptionEndsWithTimeout()
    {
        var dialog = BobDialog();
        var refer = FromAlice("REFER", 314160, "Refer-To: <sip:carol@example.com>\r\nExpires: 30\r\n");
        dialog.ReceiveRequest(refer);

        var notify = ReferSubscription.Accept(dialog, refer, Start).Subscription!.CreateNotify(180, Start + TimeSpan.FromSeconds(30));

        notify.Headers.First("Subscription-State")!.Value.ShouldBe("terminated;reason=timeout");
    }

    [Fact]
    public void ReferToWithAnEmbeddedReplacesYieldsTheTargetAndTheDialogToReplace()
    {
        var refer = FromAlice(
            "REFER", 314160,
            "Refer-To: <sip:carol@example.com?Replaces=12345%40192.0.2.30%3Bto-tag%3D9f2%3Bfrom-tag%3D1a7>\r\n");

        ReferTo.TryRead(refer, out var referTo).ShouldBeTrue();

        referTo.Target.ToString().ShouldBe("sip:carol@example.com");
        referTo.Replaces.ShouldBe(new ReplacesHeader("12345@192.0.2.30", "9f2", "1a7"));
    }

    [Fact]
    public void AReferWeSendCarriesReferToWithEscapedReplacesAndReferredBy()
    {
        var dialog = AliceDialog();
        var referTo = new ReferTo
        {
            Target = MessageUri.Parse("sip:carol@example.com"),
            Replaces = new ReplacesHeader("12345@192.0.2.30", "9f2", "1a7", EarlyOnly: true),
        };

        var refer = ReferSubscription.CreateRefer(
            dialog, referTo, new NameAddress { Uri = MessageUri.Parse("sip:alice@example.com") }, withoutSubscription: true);

        refer.Method.ShouldBe(SipMethod.Refer);
        refer.Contacts.ShouldBe([AliceContact]);
        var written = refer.Headers.First(SipHeaderNames.ReferTo)!.Value;
        written.ShouldBe("<sip:carol@example.com?Replaces=12345%40192.0.2.30%3Bto-tag%3D9f2%3Bfrom-tag%3D1a7%3Bearly-only>");
        ReferTo.TryParse(written, out var back).ShouldBeTrue();
        back.ShouldBe(referTo);
        refer.Headers.First(SipHeaderNames.ReferredBy)!.Value.ShouldBe("<sip:alice@example.com>");
        refer.Headers.First("Refer-Sub")!.Value.ShouldBe("false");
        refer.GetTokens(SipHeaderNames.Supported).ShouldContain("norefersub");
    }
}
