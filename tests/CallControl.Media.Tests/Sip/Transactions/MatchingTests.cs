using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transactions;
using static CallControl.Media.Tests.Sip.Transactions.TransactionHarness;

namespace CallControl.Media.Tests.Sip.Transactions;

public sealed class MatchingTests : IDisposable
{
    private readonly TransactionHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void CopiesOfOneInviteArrivingOnManyThreadsAtOnceMakeOneTransactionAndOneUserCall()
    {
        var invite = System.Text.Encoding.UTF8.GetBytes(Request());

        Parallel.For(0, 800, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => _harness.Receive(invite));

        _harness.User.Requests.ShouldHaveSingleItem();
        _harness.Layer.ServerTransactionCount.ShouldBe(1);
        _harness.Wire.Responses(100).ShouldNotBeEmpty();
        _harness.Wire.AllResponses.ShouldAllBe(m => m.Response.StatusCode == 100);
    }

    [Fact]
    public void ARequestWithTheSameBranchFromAnotherSentByIsANewTransaction()
    {
        _harness.Receive(Request(method: "OPTIONS"));
        _harness.Receive(Request(method: "OPTIONS", sentBy: "198.51.100.8:5062", callId: "other", fromTag: "f2"));

        _harness.User.Requests.Count.ShouldBe(2);
    }

    [Fact]
    public void SentByMatchesWhetherTheDefaultPortIsWrittenOrNot()
    {
        _harness.Receive(Request(method: "OPTIONS", sentBy: "peer.example.com:5060"));
        _harness.User.LastTransaction.Respond(200);

        _harness.Receive(Request(method: "OPTIONS", sentBy: "PEER.example.com"));

        _harness.User.Requests.ShouldHaveSingleItem();
        _harness.Wire.Responses(200).Count.ShouldBe(2);
    }

    [Fact]
    public void WithoutTheMagicCookieARetransmissionIsRecognisedByRequestUriTagsCallIdCSeqAndTopVia()
    {
        _harness.Receive(Request(method: "INFO", branch: "legacy1", toTag: "dialog"));
        _harness.User.LastTransaction.Respond(200);

        _harness.Receive(Request(method: "INFO", branch: "legacy1", toTag: "dialog"));
        _harness.Receive(Request(method: "INFO", branch: "legacy1", toTag: "dialog", cseq: 2));
        _harness.Receive(Request(method: "INFO", branch: "legacy1", toTag: "dialog", requestUri: "sip:other@192.0.2.10"));

        _harness.User.Requests.Count.ShouldBe(3);
        _harness.Wire.Responses(200).Count.ShouldBe(2);
    }

    [Fact]
    public void WithoutAnyBranchAnAckForANon2xxMatchesItsInviteByTheRfc2543Rules()
    {
        var legacyInvite = Request().Replace(";branch=z9hG4bKpeer1", string.Empty, StringComparison.Ordinal);
        _harness.Receive(legacyInvite);
        var transaction = _harness.User.LastTransaction;
        transaction.Respond(404);

        _harness.Receive(Request(method: "ACK", toTag: transaction.ToTag).Replace(";branch=z9hG4bKpeer1", string.Empty, StringComparison.Ordinal));

        transaction.State.ShouldBe(SipTransactionState.Confirmed);
        _harness.User.Acks.ShouldBeEmpty();
    }

    [Fact]
    public void AnRfc2543AckWithAnotherToTagThanOursIsNotAbsorbed()
    {
        _harness.Receive(Request(branch: "legacy2"));
        var transaction = _harness.User.LastTransaction;
        transaction.Respond(404);

        _harness.Receive(Request(method: "ACK", branch: "legacy2", toTag: "not-ours"));

        transaction.State.ShouldBe(SipTransactionState.Completed);
        _harness.User.Acks.ShouldHaveSingleItem();
    }

    [Fact]
    public void AnAckMatchingNoTransactionGoesToTheUser()
    {
        _harness.Receive(Request(method: "ACK", branch: "z9hG4bKlonely", toTag: "x"));

        _harness.User.Acks.ShouldHaveSingleItem().Method.ShouldBe(SipMethod.Ack);
        _harness.Wire.Sent.ShouldBeEmpty();
    }

    [Fact]
    public void AResponseMatchingNoTransactionButCarryingOurViaGoesToTheUser()
    {
        var stray = "SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKgone;rport=5060\r\n"
            + "From: <sip:media@192.0.2.10>;tag=a\r\nTo: <sip:alice@198.51.100.7>;tag=b\r\n"
            + "Call-ID: gone@192.0.2.10\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

        _harness.Receive(stray);

        _harness.User.StrayResponses.ShouldHaveSingleItem().CallId.ShouldBe("gone@192.0.2.10");
    }
}
