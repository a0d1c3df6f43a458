using System.Text.Json.Serialization;

namespace CallControl.Domain.Conversations;

/// <summary>Where a transfer stands between its request and its outcome.</summary>
[JsonConverter(typeof(WireEnumConverter<TransferPhase>))]
public enum TransferPhase
{
    /// <summary>The target is being dialled or, for a consult, is talking with the transferring participant.</summary>
    InProgress,

    /// <summary>A consult was completed; waiting for the transferring participant's leg to end.</summary>
    Completing,

    /// <summary>A consult was cancelled; waiting for the target's leg to end.</summary>
    Cancelling,
}
