using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using static CallControl.Media.Tests.Sip.Dialogs.DialogMessages;

namespace CallControl.Media.Tests.Sip.Dialogs;

public sealed class ReInviteTests
{
    [Fact]
    public void AReInviteWhileOurOwnIsPendingGets491()
    {
        var dialog = BobDialog();
        dialog.CreateRequest(SipMethod.Invite);

        var verdict = dialog.ReceiveRequest(FromAlice("INVITE", 314160));

        verdict.ShouldBeOfType<RequestVerdict.Rejected>().Response.StatusCode.ShouldBe(491);
    }

    [Fact]
    public void AReInviteWhileThePreviousIsUnansweredGets500WithRetryAfterUpToTenSeconds()
    {
        var dialog = BobDialog();
        dialog.ReceiveRequest(FromAlice("INVITE", 314160)).ShouldBeOfType<RequestVerdict.Accepted>();

        var response = dialog.ReceiveRequest(FromAlice("INVITE", 314161)).ShouldBeOfType<RequestVerdict.Rejected>().Response;

        response.StatusCode.ShouldBe(500);
        int.Parse(response.Headers.First(SipHeaderNames.RetryAfter)!.Value, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeInRange(0, 10);
    }

    [Fact]
    public void AnsweringTheReInviteLetsTheNextOneThrough()
    {
        var dialog = BobDialog();
        var first = FromAlice("INVITE", 314160);
        dialog.ReceiveRequest(first);
        dialog.CreateResponse(first, 200);

        dialog.ReceiveRequest(FromAlice("INVITE", 314161)).ShouldBeOfType<RequestVerdict.Accepted>();
    }

    [Fact]
    public void WeCannotSendAReInviteWhileThePeersIsUnanswered()
    {
        var dialog = BobDialog();
        dialog.ReceiveRequest(FromAlice("INVITE", 314160));

        dialog.Invites.CanSendInvite.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => dialog.CreateRequest(SipMethod.Invite));
    }

    [Fact]
    public void A491ToOurReInviteAsksForARetryBetween2100And4000MsWhenWeOwnTheCallId()
    {
        var dialog = AliceDialog();
        var reInvite = dialog.CreateRequest(SipMethod.Invite);

        var delay = dialog.ReceiveResponse(ToAlice(reInvite, 491)).ShouldBeOfType<ResponseOutcome.RetryReInviteAfter>().Delay;

        delay.ShouldBeInRange(TimeSpan.FromMilliseconds(2100), TimeSpan.FromMilliseconds(4000));
        dialog.Invites.CanSendInvite.ShouldBeTrue();
    }

    [Fact]
    public void RetryDelaysComeIn10MsStepsWithinEachSidesRange()
    {
        var random = new Random(11);
        for (var i = 0; i < 500; i++)
        {
            var owner = ReInviteGuard.RetryDelayAfterRequestPending(ownsCallId: true, random);
            var other = ReInviteGuard.RetryDelayAfterRequestPending(ownsCallId: false, random);

            owner.ShouldBeInRange(TimeSpan.FromMilliseconds(2100), TimeSpan.FromMilliseconds(4000));
            other.ShouldBeInRange(TimeSpan.Zero, TimeSpan.FromMilliseconds(2000));
            (owner.Ticks % TimeSpan.FromMilliseconds(10).Ticks).ShouldBe(0);
            (other.Ticks % TimeSpan.FromMilliseconds(10).Ticks).ShouldBe(0);
        }
    }

    [Fact]
    public void TheCalleeDoesNotOwnTheCallId()
    {
        BobDialog().OwnsCallId.ShouldBeFalse();
        AliceDialog().OwnsCallId.ShouldBeTrue();
    }
}
