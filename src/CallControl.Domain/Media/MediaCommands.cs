using CallControl.Domain.Conversations;

namespace CallControl.Domain.Media;

// Commands the API sends to the media worker that owns a leg (its queue: MediaQueues.ForWorker). Message
// contracts: records with properties only, named verb + noun; this namespace and these names never change.
// A leg's id is its participant's id. CommandId is stable for one decision (the event id it came from plus
// an index), so a command sent again after a restart is recognised and not carried out twice.
// RequestedAt is when the decision was made; a worker refuses a place or ring that waited too long.

/// <summary>
/// Calls <see cref="Target"/> (a <c>sip:</c> URI or an E.164 number for the trunk) as leg <see cref="LegId"/>.
/// <see cref="Party"/> is who the far end is, reported as the initiator when it hangs up.
/// </summary>
public sealed record PlaceLeg(
    string TenantId,
    string ConversationId,
    string LegId,
    string CommandId,
    string Target,
    string? From,
    string? CallerIdName,
    bool AutoAnswer,
    Initiator Party,
    DateTimeOffset RequestedAt);

/// <summary>Takes an offered inbound leg into the conversation and tells its caller it rings (with ringback when asked).</summary>
public sealed record RingLeg(
    string TenantId, string ConversationId, string LegId, string CommandId, bool Ringback, Initiator Party, DateTimeOffset RequestedAt);

public sealed record AnswerLeg(string TenantId, string ConversationId, string LegId, string CommandId, DateTimeOffset RequestedAt);

/// <summary>Refuses an offered inbound leg with <see cref="SipStatus"/> (300–699). Needs no conversation.</summary>
public sealed record RejectLeg(string TenantId, string ConversationId, string LegId, string CommandId, int SipStatus, DateTimeOffset RequestedAt);

public sealed record HoldLeg(string TenantId, string ConversationId, string LegId, string CommandId, bool Music, DateTimeOffset RequestedAt);

public sealed record ResumeLeg(string TenantId, string ConversationId, string LegId, string CommandId, DateTimeOffset RequestedAt);

public sealed record MuteLeg(string TenantId, string ConversationId, string LegId, string CommandId, DateTimeOffset RequestedAt);

public sealed record UnmuteLeg(string TenantId, string ConversationId, string LegId, string CommandId, DateTimeOffset RequestedAt);

/// <summary>Relays audio between two connected legs; either one leaves any other bridge first. Bridging a pair again changes nothing.</summary>
public sealed record BridgeLegs(
    string TenantId, string ConversationId, string LegId, string OtherLegId, string CommandId, DateTimeOffset RequestedAt);

/// <summary>Sends 1–32 DTMF digits (0-9, *, #, A-D) on the leg.</summary>
public sealed record SendLegDigits(string TenantId, string ConversationId, string LegId, string CommandId, string Digits, DateTimeOffset RequestedAt);

/// <summary>
/// Records the leg's bridge into a stereo WAV named <see cref="FileName"/> (no folders) in the worker's recording
/// directory; <see cref="RecordingStarted"/> gives the full path.
/// </summary>
public sealed record StartLegRecording(
    string TenantId, string ConversationId, string LegId, string CommandId, string FileName, DateTimeOffset RequestedAt);

public sealed record StopLegRecording(string TenantId, string ConversationId, string LegId, string CommandId, DateTimeOffset RequestedAt);

/// <summary>Ends the leg however it stands; <see cref="LegEnded"/> follows with <see cref="Reason"/> and <see cref="Initiator"/>.</summary>
public sealed record HangUpLeg(
    string TenantId,
    string ConversationId,
    string LegId,
    string CommandId,
    DisconnectReason Reason,
    Initiator Initiator,
    DateTimeOffset RequestedAt);

/// <summary>Where a worker's commands go.</summary>
public static class MediaQueues
{
    /// <summary>The queue a worker consumes its commands from: one per worker, named after its id.</summary>
    public static string ForWorker(string workerId) => "media-worker-" + workerId;
}
