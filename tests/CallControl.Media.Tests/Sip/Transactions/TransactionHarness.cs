using System.Net;
using System.Text;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Tests.Sip.Transactions;

/// <summary>
/// A transaction layer on a virtual clock over the recording wire, with a peer at 198.51.100.7:5062 whose
/// messages the tests write as text.
/// </summary>
internal sealed class TransactionHarness : IDisposable
{
    public static readonly IPEndPoint PeerAddress = new(IPAddress.Parse("198.51.100.7"), 5062);
    public static readonly SipEndPoint PeerUdp = SipEndPoint.Udp(PeerAddress);
    public static readonly SipEndPoint PeerTcp = SipEndPoint.Tcp(PeerAddress);

    public TransactionHarness(SipTransactionOptions? options = null)
    {
        Wheel = new TimerWheel(Clock);
        Wire = new RecordingWire(Clock);
        Layer = new SipTransactionLayer(Wire, Wheel, options, logger: null);
        Layer.Start(User);
        Client = new RecordingClientUser(() => Clock.Elapsed);
    }

    public VirtualClock Clock { get; } = new();

    public TimerWheel Wheel { get; }

    public RecordingWire Wire { get; }

    public SipTransactionLayer Layer { get; }

    public RecordingServerUser User { get; } = new();

    public RecordingClientUser Client { get; }

    public static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    public void Advance(double seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>Advances to an absolute virtual time.</summary>
    public void AdvanceTo(double seconds) => Clock.Advance(TimeSpan.FromSeconds(seconds) - Clock.Elapsed);

    public void Receive(string text, SipEndPoint? from = null) => Receive(Encoding.UTF8.GetBytes(text), from);

    public void Receive(byte[] bytes, SipEndPoint? from = null, bool overloaded = false) =>
        Layer.Receive(bytes, from ?? PeerUdp, connection: null, overloaded);

    public void Receive(SipMessage message, SipEndPoint? from = null) => Receive(SipWriter.ToArray(message), from);

    /// <summary>An INVITE (or other method) from the peer, as it would write it.</summary>
    public static string Request(
        string method = "INVITE",
        string branch = "z9hG4bKpeer1",
        string transport = "UDP",
        string sentBy = "198.51.100.7:5062",
        string viaParameters = "",
        string fromTag = "from1",
        string? toTag = null,
        string callId = "call-1@198.51.100.7",
        int cseq = 1,
        string? cseqMethod = null,
        string requestUri = "sip:media@192.0.2.10") =>
        $"{method} {requestUri} SIP/2.0\r\n"
        + $"Via: SIP/2.0/{transport} {sentBy};branch={branch}{viaParameters}\r\n"
        + "Max-Forwards: 70\r\n"
        + $"From: <sip:alice@198.51.100.7>;tag={fromTag}\r\n"
        + $"To: <sip:media@192.0.2.10>{(toTag is null ? string.Empty : $";tag={toTag}")}\r\n"
        + $"Call-ID: {callId}\r\n"
        + $"CSeq: {cseq} {cseqMethod ?? method}\r\n"
        + "Contact: <sip:alice@198.51.100.7:5062>\r\n"
        + "Content-Length: 0\r\n\r\n";

    /// <summary>A request of ours to the peer, before the layer adds its Via.</summary>
    public static SipRequest Outgoing(SipMethod method, uint cseq = 1) =>
        SipRequest.Create(method, MessageUri.Parse("sip:alice@198.51.100.7:5062"))
            .WithFrom(new NameAddress { Uri = MessageUri.Parse("sip:media@192.0.2.10") }.WithTag("ours1"))
            .WithTo(new NameAddress { Uri = MessageUri.Parse("sip:alice@198.51.100.7") })
            .WithCallId("out-1@192.0.2.10")
            .WithCSeq(new CSeq(cseq, method))
            .WithRoutes(new NameAddress { Uri = MessageUri.Parse("sip:proxy.example.com;lr") });

    /// <summary>The peer's answer to the request we sent, built the way a UAS would.</summary>
    public static SipResponse Answer(SipRequest sent, int statusCode, string? toTag = "peer-tag") =>
        SipResponse.Create(sent, statusCode, toTag: statusCode == 100 ? null : toTag);

    public void Dispose() => Wheel.Dispose();
}
