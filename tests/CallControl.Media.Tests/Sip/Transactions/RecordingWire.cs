using System.Net;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Parsing;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;

namespace CallControl.Media.Tests.Sip.Transactions;

/// <summary>One message that went on the wire: when (virtual time), where, and what, read back by the parser.</summary>
internal sealed record SentMessage(TimeSpan At, SipEndPoint To, SipMessage Message)
{
    public SipRequest Request => (SipRequest)Message;

    public SipResponse Response => (SipResponse)Message;
}

/// <summary>
/// The unit-test seam under the transaction layer: it records each message the layer hands to the
/// transport, with the virtual time, and answers with <see cref="Result"/>.
/// </summary>
internal sealed class RecordingWire(VirtualClock clock) : ISipWire
{
    public static readonly SipEndPoint LocalUdp = SipEndPoint.Udp(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060));
    public static readonly SipEndPoint LocalTcp = SipEndPoint.Tcp(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5060));

    private readonly List<SentMessage> _sent = [];

    public IReadOnlyList<SipEndPoint> LocalEndPoints { get; } = [LocalUdp, LocalTcp];

    public SipSendResult Result { get; set; } = SipSendResult.Sent;

    public IReadOnlyList<SentMessage> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public IReadOnlyList<SentMessage> Requests(SipMethod method) =>
        Sent.Where(m => m.Message is SipRequest request && request.Method == method).ToList();

    public IReadOnlyList<SentMessage> Responses(int statusCode) =>
        Sent.Where(m => m.Message is SipResponse response && response.StatusCode == statusCode).ToList();

    public IReadOnlyList<SentMessage> AllResponses => Sent.Where(m => m.Message is SipResponse).ToList();

    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipEndPoint to, SipConnection? via)
    {
        var parsed = SipParser.Parse(message.Span);
        parsed.Status.ShouldBe(SipParseStatus.Complete, parsed.Error?.Detail);
        lock (_sent)
        {
            _sent.Add(new SentMessage(clock.Elapsed, to, parsed.Message!));
        }

        return ValueTask.FromResult(Result);
    }
}
