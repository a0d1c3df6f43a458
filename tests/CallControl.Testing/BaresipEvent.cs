using System.Text.Json;

namespace CallControl.Testing;

/// <summary>Which side placed the call an event is about.</summary>
public enum BaresipCallDirection
{
    Incoming,
    Outgoing,
}

/// <summary>
/// An event a <see cref="Baresip"/> station reported on its control channel. Each case names the baresip 1.0.0
/// event type it stands for; types without a case of their own (REGISTER_OK, CALL_RTCP, SHUTDOWN…) arrive as
/// <see cref="Unmapped"/>.
/// </summary>
public abstract record BaresipEvent
{
    private BaresipEvent()
    {
    }

    /// <summary>baresip's name for the event, such as <c>CALL_ESTABLISHED</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The call's identifier, shared by both ends' events for one call (its dialog's Call-ID).</summary>
    public string? CallId { get; init; }

    /// <summary>The other end of the call.</summary>
    public string? PeerUri { get; init; }

    /// <summary>Which side placed the call, for call events.</summary>
    public BaresipCallDirection? Direction { get; init; }

    /// <summary>The event's free-form parameter, as baresip sent it.</summary>
    public string? Param { get; init; }

    /// <summary>CALL_INCOMING: a call is ringing here. Only sent when the station does not answer by itself.</summary>
    public sealed record CallOffered : BaresipEvent;

    /// <summary>CALL_RINGING: the called end is ringing (a 180 came back).</summary>
    public sealed record RingingReported : BaresipEvent;

    /// <summary>CALL_PROGRESS: the called end sent early media (a 183).</summary>
    public sealed record ProgressReported : BaresipEvent;

    /// <summary>CALL_ESTABLISHED: the call was answered.</summary>
    public sealed record CallEstablished : BaresipEvent;

    /// <summary>CALL_CLOSED: the call ended, with baresip's reason ("Connection reset by peer", "Call transfered"…).</summary>
    public sealed record CallClosed(string Reason) : BaresipEvent;

    /// <summary>CALL_DTMF_START: a digit started arriving (RFC 4733 telephone-event).</summary>
    public sealed record DigitReceived(char Key) : BaresipEvent;

    /// <summary>CALL_DTMF_END: the digit being received ended.</summary>
    public sealed record DigitEnded : BaresipEvent;

    /// <summary>TRANSFER: the peer asked this station, by REFER, to call <paramref name="Target"/>; baresip then dials it.</summary>
    public sealed record TransferRequested(string Target) : BaresipEvent;

    /// <summary>TRANSFER_FAILED: the call placed for a transfer failed.</summary>
    public sealed record TransferFailed(string Reason) : BaresipEvent;

    /// <summary>CALL_REMOTE_SDP: an SDP offer or answer arrived (<paramref name="Kind"/> is "offer" or "answer"); a re-INVITE shows as an offer.</summary>
    public sealed record RemoteSdpReceived(string Kind) : BaresipEvent;

    /// <summary>CALL_LOCAL_SDP: the station sent an SDP offer or answer.</summary>
    public sealed record LocalSdpSent(string Kind) : BaresipEvent;

    /// <summary>CALL_RTPESTAB: the first RTP of a stream (<paramref name="Media"/>, e.g. "audio") arrived.</summary>
    public sealed record RtpEstablished(string Media) : BaresipEvent;

    /// <summary>Any other event type; <see cref="Type"/> and <see cref="Param"/> say what it was.</summary>
    public sealed record Unmapped : BaresipEvent;

    /// <summary>Reads one event message of ctrl_tcp (<c>{"event":true,"type":…}</c>).</summary>
    internal static BaresipEvent FromJson(JsonElement message)
    {
        var type = Text(message, "type") ?? string.Empty;
        var param = Text(message, "param");
        BaresipEvent result = type switch
        {
            "CALL_INCOMING" => new CallOffered { Type = type },
            "CALL_RINGING" => new RingingReported { Type = type },
            "CALL_PROGRESS" => new ProgressReported { Type = type },
            "CALL_ESTABLISHED" => new CallEstablished { Type = type },
            "CALL_CLOSED" => new CallClosed(param ?? string.Empty) { Type = type },
            "CALL_DTMF_START" when param is { Length: 1 } => new DigitReceived(param[0]) { Type = type },
            "CALL_DTMF_END" => new DigitEnded { Type = type },
            "TRANSFER" => new TransferRequested(param ?? string.Empty) { Type = type },
            "TRANSFER_FAILED" => new TransferFailed(param ?? string.Empty) { Type = type },
            "CALL_REMOTE_SDP" => new RemoteSdpReceived(param ?? string.Empty) { Type = type },
            "CALL_LOCAL_SDP" => new LocalSdpSent(param ?? string.Empty) { Type = type },
            "CALL_RTPESTAB" => new RtpEstablished(param ?? string.Empty) { Type = type },
            _ => new Unmapped { Type = type },
        };

        return result with
        {
            CallId = Text(message, "id"),
            PeerUri = Text(message, "peeruri"),
            Direction = Text(message, "direction") switch
            {
                "incoming" => BaresipCallDirection.Incoming,
                "outgoing" => BaresipCallDirection.Outgoing,
                _ => null,
            },
            Param = param,
        };
    }

    private static string? Text(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
