using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

/// <summary>What a pending change or a failed media command was.</summary>
[JsonConverter(typeof(WireEnumConverter<MediaOperation>))]
public enum MediaOperation
{
    Hold,
    Resume,
    Mute,
    Unmute,
    Digits,
    Transfer,
    Recording,

    /// <summary>Ringing an agent's station after the agent accepted an offer.</summary>
    Accept,

    End,

    /// <summary>Placing an outgoing leg: the agent's station on click-to-dial, the customer, a transfer target.</summary>
    Place,
}
