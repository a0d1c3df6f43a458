using System.Net;
using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Transport;
using static CallControl.Media.Tests.Sip.Transactions.TransactionHarness;

namespace CallControl.Media.Tests.Sip.Transactions;

public sealed class InboundPipelineTests : IDisposable
{
    private static readonly SipEndPoint NattedSource = SipEndPoint.Udp(new IPEndPoint(IPAddress.Parse("203.0.113.50"), 40123));

    private readonly TransactionHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void AViaHostThatIsNotTheSourceGetsReceivedAndAnEmptyRPortGetsTheSourcePort()
    {
        _harness.Receive(Request(method: "OPTIONS", sentBy: "10.0.0.5:5060", viaParameters: ";rport"), NattedSource);

        var via = _harness.User.Requests.ShouldHaveSingleItem().Request.TopVia!;
        via.Received.ShouldBe("203.0.113.50");
        via.RPort.ShouldBe(40123);
        _harness.User.LastTransaction.Respond(200);
        var response = _harness.Wire.Responses(200).ShouldHaveSingleItem();
        response.To.ShouldBe(NattedSource);
        response.Response.TopVia!.Received.ShouldBe("203.0.113.50");
        response.Response.TopVia!.RPort.ShouldBe(40123);
    }

    [Fact]
    public void WithoutRPortTheResponseGoesToTheReceivedAddressAndTheSentByPort()
    {
        _harness.Receive(Request(method: "OPTIONS", sentBy: "client.example.com:5070"), NattedSource);
        _harness.User.LastTransaction.Respond(200);

        _harness.Wire.Responses(200).ShouldHaveSingleItem().To
            .ShouldBe(SipEndPoint.Udp(new IPEndPoint(IPAddress.Parse("203.0.113.50"), 5070)));
        _harness.User.LastTransaction.Request.TopVia!.Received.ShouldBe("203.0.113.50");
        _harness.User.LastTransaction.Request.TopVia!.HasRPort.ShouldBeFalse();
    }

    [Fact]
    public void AViaHostThatIsTheSourceAddressGetsNoReceived()
    {
        _harness.Receive(Request(method: "OPTIONS", sentBy: "198.51.100.7"));
        _harness.User.LastTransaction.Respond(200);

        _harness.User.LastTransaction.Request.TopVia!.Received.ShouldBeNull();
        _harness.Wire.Responses(200).ShouldHaveSingleItem().To.ShouldBe(SipEndPoint.Udp(new IPEndPoint(PeerAddress.Address, 5060)));
    }

    [Fact]
    public void OverTcpResponsesGoToTheSentByPortOfTheSourceAddressAsFallbackForTheConnection()
    {
        var source = SipEndPoint.Tcp(new IPEndPoint(IPAddress.Parse("203.0.113.50"), 50999));
        _harness.Receive(Request(method: "OPTIONS", transport: "TCP", sentBy: "10.0.0.5:5080", viaParameters: ";rport"), source);
        _harness.User.LastTransaction.Respond(200);

        _harness.Wire.Responses(200).ShouldHaveSingleItem().To.ShouldBe(SipEndPoint.Tcp(new IPEndPoint(IPAddress.Parse("203.0.113.50"), 5080)));
    }

    [Fact]
    public void ARequestFoundInTheOverloadQueueIsAnswered503WithRetryAfterWithoutReachingTheUser()
    {
        _harness.Receive(Encoding.UTF8.GetBytes(Request()), overloaded: true);

        var rejected = _harness.Wire.AllResponses.ShouldHaveSingleItem();
        rejected.Response.StatusCode.ShouldBe(503);
        rejected.Response.Headers.First(SipHeaderNames.RetryAfter)!.Value.ShouldBe("5");
        rejected.To.ShouldBe(SipEndPoint.Udp(new IPEndPoint(PeerAddress.Address, 5062)));
        _harness.User.Requests.ShouldBeEmpty();
        _harness.Layer.ServerTransactionCount.ShouldBe(0);
    }

    [Fact]
    public void AnAckOrAResponseInTheOverloadQueueIsDropped()
    {
        _harness.Receive(Encoding.UTF8.GetBytes(Request(method: "ACK", toTag: "t")), overloaded: true);
        _harness.Receive(Encoding.UTF8.GetBytes(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\n"
            + "To: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"), overloaded: true);

        _harness.Wire.Sent.ShouldBeEmpty();
        _harness.User.Acks.ShouldBeEmpty();
        _harness.User.StrayResponses.ShouldBeEmpty();
    }

    [Fact]
    public void AnInvalidRequestWithEnoughHeadersIsAnswered400WithTheReason()
    {
        var badCSeq = Request(method: "OPTIONS").Replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE", StringComparison.Ordinal);

        _harness.Receive(badCSeq);

        var answer = _harness.Wire.AllResponses.ShouldHaveSingleItem();
        answer.Response.StatusCode.ShouldBe(400);
        answer.Response.ReasonPhrase.ShouldStartWith("Bad Request (");
        answer.Response.To!.Tag.ShouldNotBeNull();
        answer.To.ShouldBe(SipEndPoint.Udp(new IPEndPoint(PeerAddress.Address, 5062)));
        _harness.User.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("garbage that is not SIP at all\r\n\r\n")]
    [InlineData("OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n")]
    [InlineData("SIP/2.0 200 OK\r\nCSeq: nonsense\r\n\r\n")]
    [InlineData("\u0000\u0001\u0002")]
    public void GarbageAndInvalidMessagesThatCannotBeAnsweredAreDroppedQuietly(string text)
    {
        _harness.Receive(Encoding.UTF8.GetBytes(text));

        _harness.Wire.Sent.ShouldBeEmpty();
        _harness.User.Requests.ShouldBeEmpty();
        _harness.User.StrayResponses.ShouldBeEmpty();
    }

    [Fact]
    public void RandomBytesNeverThrowOutOfTheLayer()
    {
        var random = new Random(3261);
        var valid = Encoding.UTF8.GetBytes(Request());
        for (var i = 0; i < 2000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var flips = random.Next(1, 8); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            Should.NotThrow(() => _harness.Receive(bytes[..random.Next(1, bytes.Length + 1)]));
        }

        _harness.Wire.Sent.ShouldAllBe(m => m.Message is SipResponse);
    }
}
