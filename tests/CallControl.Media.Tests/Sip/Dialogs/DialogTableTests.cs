using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using static CallControl.Media.Tests.Sip.Dialogs.DialogMessages;

namespace CallControl.Media.Tests.Sip.Dialogs;

public sealed class DialogTableTests
{
    private readonly DialogTable _table = new();

    [Fact]
    public void ARequestWithoutAToTagIsOutOfDialog()
    {
        _table.ReceiveRequest(Invite()).ShouldBe(RequestVerdict.OutOfDialog.Instance);
    }

    [Fact]
    public void AnInDialogRequestForAnUnknownDialogGets481()
    {
        var verdict = _table.ReceiveRequest(FromAlice("INFO", 2, toTag: "unknown"));

        verdict.ShouldBeOfType<RequestVerdict.Rejected>().Response.StatusCode.ShouldBe(481);
    }

    [Fact]
    public void AnAckForAnUnknownDialogIsDroppedWithoutAnswer()
    {
        _table.ReceiveRequest(FromAlice("ACK", 2, toTag: "unknown")).ShouldBe(RequestVerdict.Ignored.Instance);
    }

    [Fact]
    public void AnInDialogRequestReachesItsDialog()
    {
        var dialog = BobDialog();
        _table.Add(dialog);

        _table.ReceiveRequest(FromAlice("INFO", 314160)).ShouldBe(new RequestVerdict.Accepted(dialog));
    }

    [Fact]
    public void AResponseFindsTheDialogOfItsTags()
    {
        var dialog = AliceDialog();
        _table.Add(dialog);

        _table.FindFor(InviteResponse(200)).ShouldBeSameAs(dialog);
        _table.FindFor(InviteResponse(200, toTag: "fork-2")).ShouldBeNull();
    }

    [Fact]
    public void ReplacesForAConfirmedDialogFindsIt()
    {
        var dialog = BobDialog();
        _table.Add(dialog);

        _table.MatchReplaces(InviteWithReplaces("call-1@192.0.2.10;to-tag=bob-tag;from-tag=alice-tag"))
            .ShouldBe(new ReplacesMatch.Found(dialog));
    }

    [Fact]
    public void ReplacesForNoDialogGets481()
    {
        _table.Add(BobDialog());

        Refusal("call-1@192.0.2.10;to-tag=alice-tag;from-tag=bob-tag").ShouldBe(481);
    }

    [Fact]
    public void ReplacesForAnEndedDialogGets603()
    {
        var dialog = BobDialog();
        dialog.ReceiveRequest(FromAlice("BYE", 314160));
        _table.Add(dialog);

        Refusal("call-1@192.0.2.10;to-tag=bob-tag;from-tag=alice-tag").ShouldBe(603);
    }

    [Fact]
    public void ReplacesForAnEarlyDialogWeAnsweredGets481()
    {
        _table.Add(BobDialog(confirm: false));

        Refusal("call-1@192.0.2.10;to-tag=bob-tag;from-tag=alice-tag").ShouldBe(481);
    }

    [Fact]
    public void ReplacesForAnEarlyDialogWeStartedFindsIt()
    {
        var dialog = AliceDialog(180);
        _table.Add(dialog);

        _table.MatchReplaces(InviteWithReplaces("call-1@192.0.2.10;to-tag=alice-tag;from-tag=bob-tag;early-only"))
            .ShouldBe(new ReplacesMatch.Found(dialog));
    }

    [Fact]
    public void EarlyOnlyReplacesForAConfirmedDialogGets486()
    {
        _table.Add(BobDialog());

        Refusal("call-1@192.0.2.10;to-tag=bob-tag;from-tag=alice-tag;early-only").ShouldBe(486);
    }

    [Fact]
    public void TwoReplacesHeadersGet400()
    {
        _table.Add(BobDialog());
        var invite = InviteWithReplaces("call-1@192.0.2.10;to-tag=bob-tag;from-tag=alice-tag")
            .AddHeader(ReplacesHeader.HeaderName, "other@host;to-tag=a;from-tag=b");

        _table.MatchReplaces(invite).ShouldBe(new ReplacesMatch.Refused(400));
    }

    [Fact]
    public void AnInviteWithoutReplacesIsAnOrdinaryCall()
    {
        _table.MatchReplaces(Invite()).ShouldBe(ReplacesMatch.Absent.Instance);
    }

    [Fact]
    public void ReplacesParsesItsTagsAndFlagAndWritesThemBack()
    {
        ReplacesHeader.TryParse("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only", out var header).ShouldBeTrue();

        header.ShouldBe(new ReplacesHeader("425928@bobster.example.org", "7743", "6472", EarlyOnly: true));
        header.ToString().ShouldBe("425928@bobster.example.org;to-tag=7743;from-tag=6472;early-only");
        ReplacesHeader.TryParse("425928@bobster.example.org;to-tag=7743", out _).ShouldBeFalse();
    }

    [Fact]
    public void ReplacesForADialogNamesItFromThePeersSide()
    {
        ReplacesHeader.For(new DialogId("c", "mine", "theirs")).ShouldBe(new ReplacesHeader("c", "theirs", "mine"));
    }

    private static SipRequest InviteWithReplaces(string value) =>
        Request(
            "INVITE sip:bob@192.0.2.20 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.30;branch=z9hG4bKc1\r\n"
            + "To: <sip:bob@example.com>\r\nFrom: <sip:carol@example.com>;tag=carol\r\nCall-ID: call-2@192.0.2.30\r\n"
            + "CSeq: 1 INVITE\r\nContact: <sip:carol@192.0.2.30>\r\n"
            + $"Replaces: {value}\r\nContent-Length: 0\r\n\r\n");

    private int Refusal(string value) =>
        _table.MatchReplaces(InviteWithReplaces(value)).ShouldBeOfType<ReplacesMatch.Refused>().StatusCode;
}
