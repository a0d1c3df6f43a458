using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using CallControl.Media.Sdp;
using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using CallControl.Media.Sip.Timing;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallControl.Media.Sip.UserAgent;

/// <summary>
/// The user agent core on top of the transaction layer: it places calls and takes incoming ones, keeps each
/// call's dialog and offer/answer state, and reports every fact about a call on <see cref="Events"/>. This is
/// the API the media engine drives: place (optionally replacing a dialog, RFC 3891), answer, reject, cancel,
/// hold, resume, transfer (REFER, and the progress of a REFER received), INFO, hang up. Glare on re-INVITE,
/// session timers (RFC 4028, refreshed with UPDATE or re-INVITE) and Replaces matching are handled here.
/// </summary>
public sealed class SipUserAgent : ISipTransactionUser
{
    /// <summary>The methods we take, as our Allow header lists them.</summary>
    public const string Allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, MESSAGE";

    private const string CallInfoHeader = "Call-Info";
    private const string AlertInfoHeader = "Alert-Info";

    /// <summary>How long an ended call's dialog is kept so that a late Replaces naming it gets 603 rather than 481.</summary>
    private static readonly TimeSpan EndedDialogLinger = TimeSpan.FromSeconds(32);

    private readonly IReadOnlyList<SipEndPoint> _localEndPoints;
    private readonly Func<SipCallDirection, SdpLocalMedia?> _allocateMedia;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, SipCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SipDialog> _endedDialogs = new(StringComparer.Ordinal);
    private readonly Channel<SipCallEvent> _events = Channel.CreateUnbounded<SipCallEvent>(new UnboundedChannelOptions { SingleReader = false });

    /// <param name="allocateMedia">
    /// Our RTP address and port for a new call's SDP (the media engine's allocation); null when no media port
    /// is free, which declines an incoming call with 503 and makes <see cref="PlaceCall"/> throw.
    /// </param>
    public SipUserAgent(
        SipTransactionLayer transactions,
        TimerWheel wheel,
        IReadOnlyList<SipEndPoint> localEndPoints,
        Func<SipCallDirection, SdpLocalMedia?> allocateMedia,
        SipUserAgentOptions? options = null,
        ILogger<SipUserAgent>? logger = null)
    {
        Transactions = transactions ?? throw new ArgumentNullException(nameof(transactions));
        Wheel = wheel ?? throw new ArgumentNullException(nameof(wheel));
        _localEndPoints = localEndPoints;
        _allocateMedia = allocateMedia;
        Options = options ?? new SipUserAgentOptions();
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public SipUserAgentOptions Options { get; }

    /// <summary>Facts about calls, in order per call.</summary>
    public ChannelReader<SipCallEvent> Events => _events.Reader;

    /// <summary>The option tags our Supported header lists: replaces and norefersub always, timer when session timers are on.</summary>
    public string Supported => Options.SessionTimer is null ? "replaces, norefersub" : "replaces, norefersub, timer";

    /// <summary>Calls not yet terminated.</summary>
    public int ActiveCalls => _calls.Count;

    internal SipTransactionLayer Transactions { get; }

    internal TimerWheel Wheel { get; }

    internal DateTimeOffset Now => Wheel.Clock.GetUtcNow();

    internal ISipClientTransactionUser Ignore { get; } = new Ignoring();

    /// <summary>
    /// Places a call to a <c>sip:</c> URI (an IP address, with <c>;transport=tcp</c> for TCP) or a telephone
    /// number through the configured trunk. With <paramref name="replaces"/> (from a REFER's
    /// <see cref="SipCallEvent.ReferReceived.Replaces"/>, or <see cref="ReplacesHeader.For"/>), the INVITE asks
    /// the callee to put this call in the place of that dialog (RFC 3891).
    /// </summary>
    /// <param name="displayName">The display name of our From (the caller id name a phone shows), or none.</param>
    /// <param name="autoAnswer">
    /// Asks the callee to answer at once, in the two ways desk phones understand: <c>Call-Info: &lt;sip:our host&gt;;answer-after=0</c>
    /// and <c>Alert-Info: &lt;http://127.0.0.1/&gt;;info=alert-autoanswer</c>.
    /// </param>
    /// <exception cref="ArgumentException">The target is neither, or names a host that is not an IP address, or the display name holds CR or LF.</exception>
    /// <exception cref="InvalidOperationException">No media port is free for the call.</exception>
    public SipCall PlaceCall(string target, string? fromUser = null, ReplacesHeader? replaces = null, string? displayName = null, bool autoAnswer = false)
    {
        if (!SipTarget.TryParseDestination(target, Options.Trunk, out var uri, out var error))
        {
            throw new ArgumentException(error, nameof(target));
        }

        if (!SipTarget.TryResolve(uri, out var destination))
        {
            throw new ArgumentException($"'{target}' does not name an IP address this stack can reach.", nameof(target));
        }

        var contact = Contact(destination);
        var ours = (SipUri)contact.Uri;
        var from = new NameAddress
        {
            DisplayName = string.IsNullOrEmpty(displayName) ? null : displayName,
            Uri = ours with { User = fromUser ?? Options.User, Parameters = SipParameters.Empty },
        };
        IReadOnlyList<SipHeader> extra = autoAnswer
            ? [new SipHeader(CallInfoHeader, $"<sip:{ours.Host}>;answer-after=0"), new SipHeader(AlertInfoHeader, "<http://127.0.0.1/>;info=alert-autoanswer")]
            : [];
        var local = _allocateMedia(SipCallDirection.Outbound)
            ?? throw new InvalidOperationException("No media port is free for another call.");
        var media = new SdpNegotiator(local, NewSessionId());
        var call = SipCall.Place(this, uri, destination, media, from, contact, replaces, extra);
        _calls[call.CallId] = call;
        return call;
    }

    void ISipTransactionUser.OnRequest(SipServerTransaction transaction, SipRequest request)
    {
        if (request.To?.Tag is not null)
        {
            if (request.CallId is { } callId && _calls.TryGetValue(callId, out var call) && call.Dialog is { } dialog)
            {
                call.Receive(transaction, request, dialog);
            }
            else
            {
                transaction.Respond(481);
            }

            return;
        }

        if (request.Method == SipMethod.Invite)
        {
            var (match, replaced) = MatchReplaces(request);
            if (match is ReplacesMatch.Refused refused)
            {
                transaction.Respond(refused.StatusCode);
                return;
            }

            if (_allocateMedia(SipCallDirection.Inbound) is not { } local)
            {
                transaction.Respond(SipResponse.Create(request, 503, "No media port free").AddHeader(SipHeaderNames.RetryAfter, "5"));
                return;
            }

            var media = new SdpNegotiator(local, NewSessionId());
            if (SipCall.Receive(this, transaction, request, media, Contact(transaction.RemoteEndPoint), replaced) is { } call)
            {
                _calls[call.CallId] = call;
                Raise(new SipCallEvent.Offered(call, replaced));
            }
        }
        else if (request.Method == SipMethod.Options)
        {
            transaction.Respond(SipResponse.Create(request, 200).AddHeader(SipHeaderNames.Allow, Allow));
        }
        else if (request.Method == SipMethod.Bye)
        {
            transaction.Respond(481);
        }
        else
        {
            transaction.Respond(SipResponse.Create(request, 405).AddHeader(SipHeaderNames.Allow, Allow));
        }
    }

    void ISipTransactionUser.OnAck(SipRequest ack, SipEndPoint source)
    {
        if (ack.CallId is { } callId && _calls.TryGetValue(callId, out var call))
        {
            call.AckReceived(ack);
        }
    }

    void ISipTransactionUser.OnStrayResponse(SipResponse response, SipEndPoint source)
    {
        if (response.CallId is { } callId && _calls.TryGetValue(callId, out var call))
        {
            call.StrayResponse(response);
        }
    }

    void ISipTransactionUser.OnCancelled(SipServerTransaction invite, SipRequest cancel)
    {
        if (cancel.CallId is { } callId && _calls.TryGetValue(callId, out var call))
        {
            call.Cancelled();
        }
    }

    void ISipTransactionUser.OnServerTransactionFailed(SipServerTransaction transaction, SipTransactionFailure failure)
    {
        if (transaction.Request.Method == SipMethod.Invite && transaction.Request.CallId is { } callId && _calls.TryGetValue(callId, out var call))
        {
            call.ServerFailed();
        }
    }

    internal void Raise(SipCallEvent fact) => _events.Writer.TryWrite(fact);

    /// <summary>An ended call leaves; its dialog lingers a while for Replaces to find it ended.</summary>
    internal void Forget(SipCall call)
    {
        if (call.CallId is not { } callId || !_calls.TryRemove(new KeyValuePair<string, SipCall>(callId, call)))
        {
            return;
        }

        if (call.Dialog is { } dialog)
        {
            _endedDialogs[callId] = dialog;
Wheel.Schedule(EndedDialogLinger, () => _endedDialogs.TryRemove(new KeyValuePair<string, SipDialog>(callId, dialog)));
        }
    }

    /// <summary>
    /// Matches an INVITE's Replaces header (RFC 3891 3) by the rules of <see cref="DialogTable"/>, against the
    /// one dialog its Call-ID can name: a live call's, or one that ended lately.
    /// </summary>
    private (ReplacesMatch Match, SipCall? Call) MatchReplaces(SipRequest invite)
    {
        var headers = invite.Headers.All(ReplacesHeader.HeaderName).ToList();
        if (headers.Count == 0)
        {
            return (ReplacesMatch.Absent.Instance, null);
        }

        var callId = headers.Count == 1 && ReplacesHeader.TryParse(headers[0].Value, out var replaces) ? replaces.CallId : null;
        if (callId is not null && _calls.TryGetValue(callId, out var call))
        {
            var match = call.MatchReplaces(invite);
            return (match, match is ReplacesMatch.Found ? call : null);
        }

        var table = new DialogTable();
        if (callId is not null && _endedDialogs.TryGetValue(callId, out var ended))
        {
            table.Add(ended);
        }

        return (table.MatchReplaces(invite), null);
    }

    /// <summary>Sends without waiting; a failure is logged (the peer's retransmission or our timers recover).</summary>
    internal void SendDetached(ValueTask<SipSendResult> send)
    {
        if (send.IsCompletedSuccessfully)
        {
            LogIfFailed(send.Result);
            return;
        }

        _ = AwaitAsync(send);
    }

    private async Task AwaitAsync(ValueTask<SipSendResult> send)
    {
        try
        {
            LogIfFailed(await send);
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            _logger.LogWarning(ex, "A SIP message could not be sent");
        }
    }

    private void LogIfFailed(SipSendResult result)
    {
        if (result != SipSendResult.Sent)
        {
            _logger.LogWarning("A SIP message could not be sent: {Result}", result);
        }
    }

    /// <summary>Our Contact for a peer: the listening address of the transport and address family we reach it with.</summary>
    private NameAddress Contact(SipEndPoint peer)
    {
        var local = _localEndPoints.FirstOrDefault(e => e.Kind == peer.Kind && e.EndPoint.AddressFamily == peer.EndPoint.AddressFamily);
        if (local.EndPoint is null)
        {
            local = _localEndPoints.FirstOrDefault(e => e.Kind == peer.Kind);
        }

        var parameters = peer.Kind == SipTransportKind.Tcp ? SipParameters.Empty.Set("transport", "tcp") : SipParameters.Empty;
        return new NameAddress
        {
            Uri = new SipUri
            {
                User = Options.User,
                Host = SipTarget.HostText(local.EndPoint!.Address),
                Port = local.EndPoint.Port,
                Parameters = parameters,
            },
        };
    }

    private static ulong NewSessionId() => (ulong)Random.Shared.NextInt64(1, long.MaxValue);

    private sealed class Ignoring : ISipClientTransactionUser
    {
        public void OnResponse(SipClientTransaction transaction, SipResponse response)
        {
        }

        public void OnFailed(SipClientTransaction transaction, SipTransactionFailure failure)
        {
        }
    }
}
