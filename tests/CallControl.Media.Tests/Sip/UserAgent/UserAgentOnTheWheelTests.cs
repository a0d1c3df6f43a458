using System.Net;
using System.Text;
using CallControl.Media.Sdp;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.UserAgent;
using CallControl.Media.Tests.Sip.Transactions;

namespace CallControl.Media.Tests.Sip.UserAgent;

/// <summary>The user agent's own timers on a virtual clock, over a wire that records what would be sent.</summary>
public sealed class UserAgentOnTheWheelTests : IDisposable
{
    private const string Offer = "v=0\r\no=alice 1 1 IN IP4 198.51.100.7\r\ns=-\r\nc=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0\r\n";

    private readonly VirtualClock _clock = new();
    private readonly TimerWheel _wheel;
    private readonly RecordingWire _wire;
    private readonly SipTransactionLayer _layer;
    private readonly SipUserAgent _agent;

    public UserAgentOnTheWheelTests()
    {
        _wheel = new TimerWheel(_clock);
        _wire = new RecordingWire(_clock);
        _layer = new SipTransactionLayer(_wire, _wheel, options: null, logger: null);
        _agent = new SipUserAgent(_layer, _wheel, _wire.LocalEndPoints, _ => new SdpLocalMedia(IPAddress.Parse("192.0.2.10"), 40000));
        _layer.Start(_agent);
    }

    [Fact]
    public void AnAnswerWhoseAckNeverComesIsRetransmittedOnTheRfcScheduleThenEndedWithABye()
    {
        var invite = TransactionHarness.Request().Replace("Content-Length: 0\r\n\r\n", $"Content-Type: application/sdp\r\nContent-Length: {Offer.Length}\r\n\r\n{Offer}", StringComparison.Ordinal);
        _layer.Receive(Encoding.ASCII.GetBytes(invite), TransactionHarness.PeerUdp, connection: null, overloaded: false);
        _agent.Events.TryRead(out var offered).ShouldBeTrue();
        ((SipCallEvent.Offered)offered!).Call.Answer().ShouldBeTrue();

        _clock.Advance(TimeSpan.FromSeconds(40));

        // RFC 3261 13.3.1.4: at T1, then doubling up to T2, until 64·T1; then the session is ended with BYE.
        _wire.Responses(200).Select(m => m.At.TotalSeconds).ShouldBe([0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]);
        var byes = _wire.Requests(SipMethod.Bye);
        byes.Select(m => m.At.TotalSeconds).ShouldBe([32.0, 32.5, 33.5, 35.5, 39.5], "the BYE goes at 64·T1, retransmitted by its own transaction");
        var bye = byes[0];
        bye.At.ShouldBe(TimeSpan.FromSeconds(32));
        bye.Request.RequestUri.ToString().ShouldBe("sip:alice@198.51.100.7:5062");
    }

    [Fact]
    public void AnAckStopsTheRetransmissionsAndConnectsTheCall()
    {
        var invite = TransactionHarness.Request().Replace("Content-Length: 0\r\n\r\n", $"Content-Type: application/sdp\r\nContent-Length: {Offer.Length}\r\n\r\n{Offer}", StringComparison.Ordinal);
        _layer.Receive(Encoding.ASCII.GetBytes(invite), TransactionHarness.PeerUdp, connection: null, overloaded: false);
        _agent.Events.TryRead(out var offered).ShouldBeTrue();
        var call = ((SipCallEvent.Offered)offered!).Call;
        call.Answer().ShouldBeTrue();
        _clock.Advance(TimeSpan.FromSeconds(1));
        var toTag = _wire.Responses(200)[0].Response.To!.Tag!;

        var ack = TransactionHarness.Request(method: "ACK", branch: "z9hG4bKpeer-ack", toTag: toTag);
        _layer.Receive(Encoding.ASCII.GetBytes(ack), TransactionHarness.PeerUdp, connection: null, overloaded: false);
        _clock.Advance(TimeSpan.FromSeconds(40));

        _wire.Responses(200).Select(m => m.At.TotalSeconds).ShouldBe([0, 0.5]);
        _wire.Requests(SipMethod.Bye).ShouldBeEmpty();
        call.State.ShouldBe(SipCallState.Connected);
        _agent.Events.TryRead(out var answered).ShouldBeTrue();
        answered.ShouldBeOfType<SipCallEvent.Answered>();
    }

    [Fact]
    public void ACallWePlaceThatRingsPastTheRingTimeoutIsCancelled()
    {
        var call = _agent.PlaceCall("sip:bob@198.51.100.7:5062");
        var invite = _wire.Requests(SipMethod.Invite).ShouldHaveSingleItem().Request;
        _layer.Receive(SipWriter.ToArray(SipResponse.Create(invite, 180, toTag: "bob-1")), TransactionHarness.PeerUdp, connection: null, overloaded: false);

        _clock.Advance(_agent.Options.RingTimeout - TimeSpan.FromSeconds(1));
        _wire.Requests(SipMethod.Cancel).ShouldBeEmpty();
        _clock.Advance(TimeSpan.FromSeconds(1));

        _wire.Requests(SipMethod.Cancel).ShouldHaveSingleItem().Request.TopVia!.Branch.ShouldBe(invite.TopVia!.Branch);
        call.State.ShouldBe(SipCallState.Ringing);
    }

    public void Dispose() => _wheel.Dispose();
}
