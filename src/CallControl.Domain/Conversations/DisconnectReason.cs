using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

[JsonConverter(typeof(WireEnumConverter<DisconnectReason>))]
public enum DisconnectReason
{
    /// <summary>Normal hang-up.</summary>
    Success,
    Busy,
    Decline,
    Cancel,

    /// <summary>No answer, or an offer expired.</summary>
    Timeout,
    Transfer,
    FailedTransport,
    MediaError,

    /// <summary>The remote vanished (no ACK, RTP timeout, media worker lost).</summary>
    Gone,
    GeneralError,
}

public static class DisconnectReasonWire
{
    public static string ToWire(this DisconnectReason reason) => reason switch
    {
        DisconnectReason.Success => "success",
        DisconnectReason.Busy => "busy",
        DisconnectReason.Decline => "decline",
        DisconnectReason.Cancel => "cancel",
        DisconnectReason.Timeout => "timeout",
        DisconnectReason.Transfer => "transfer",
        DisconnectReason.FailedTransport => "failed-transport",
        DisconnectReason.MediaError => "media-error",
        DisconnectReason.Gone => "gone",
        DisconnectReason.GeneralError => "general-error",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>Parses the contract's kebab-case names only (exact, case-sensitive, as the contract spells them).</summary>
    public static bool TryParse([NotNullWhen(true)] string? wire, out DisconnectReason reason)
    {
        DisconnectReason? parsed = wire switch
        {
            "success" => DisconnectReason.Success,
            "busy" => DisconnectReason.Busy,
            "decline" => DisconnectReason.Decline,
            "cancel" => DisconnectReason.Cancel,
            "timeout" => DisconnectReason.Timeout,
            "transfer" => DisconnectReason.Transfer,
            "failed-transport" => DisconnectReason.FailedTransport,
            "media-error" => DisconnectReason.MediaError,
            "gone" => DisconnectReason.Gone,
            "general-error" => DisconnectReason.GeneralError,
            _ => null,
        };
        reason = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>
    /// The reason a failed SIP request stands for, used when the media layer reports a failure as a
    /// status code rather than a reason.
    /// </summary>
    public static DisconnectReason FromSipStatus(int? sipStatus) => sipStatus switch
    {
        null => DisconnectReason.FailedTransport,
        486 or 600 => DisconnectReason.Busy,
        603 => DisconnectReason.Decline,
        487 => DisconnectReason.Cancel,
        408 or 480 => DisconnectReason.Timeout,
        _ => DisconnectReason.GeneralError,
    };
}
