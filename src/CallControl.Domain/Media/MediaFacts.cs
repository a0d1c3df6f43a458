using CallControl.Domain.Conversations;

namespace CallControl.Domain.Media;

// Facts the media worker publishes about the legs it owns. Message contracts: records with properties only,
// named noun + past tense; this namespace and these names never change (they are the bus's message types).
// A leg's id is its participant's id. OccurredAt is when the worker saw it, and becomes the decision's time.

public sealed record LegAlerting(string TenantId, string ConversationId, string LegId, string WorkerId, DateTimeOffset OccurredAt);

public sealed record LegAnswered(string TenantId, string ConversationId, string LegId, string WorkerId, DateTimeOffset OccurredAt);

public sealed record LegHeld(string TenantId, string ConversationId, string LegId, string WorkerId, DateTimeOffset OccurredAt);

public sealed record LegResumed(string TenantId, string ConversationId, string LegId, string WorkerId, DateTimeOffset OccurredAt);

public sealed record LegMuted(string TenantId, string ConversationId, string LegId, string WorkerId, DateTimeOffset OccurredAt);

public sealed record LegUnmuted(string TenantId, string ConversationId, string LegId, string WorkerId, DateTimeOffset OccurredAt);

/// <summary>The far end put us on hold (<see cref="Held"/>) or took us off hold with a re-INVITE.</summary>
public sealed record LegRemoteHoldChanged(string TenantId, string ConversationId, string LegId, string WorkerId, bool Held, DateTimeOffset OccurredAt);

/// <summary>A command on the leg failed; <see cref="SipStatus"/> is the final response that refused it, when there was one.</summary>
public sealed record LegCommandFailed(
    string TenantId, string ConversationId, string LegId, string WorkerId, MediaOperation Command, int? SipStatus, string Detail, DateTimeOffset OccurredAt);

public sealed record LegEnded(
    string TenantId, string ConversationId, string LegId, string WorkerId, DisconnectReason Reason, int? SipStatus, Initiator Initiator, DateTimeOffset OccurredAt);

/// <summary>RFC 4733 digits received on the leg, one message per digit string the worker assembled.</summary>
public sealed record DigitsReceived(string TenantId, string ConversationId, string LegId, string WorkerId, string Digits, DateTimeOffset OccurredAt);

public sealed record RecordingStarted(string TenantId, string ConversationId, string WorkerId, string Path, DateTimeOffset OccurredAt);

public sealed record RecordingStopped(string TenantId, string ConversationId, string WorkerId, DateTimeOffset OccurredAt);

public sealed record RecordingFailed(string TenantId, string ConversationId, string WorkerId, string Detail, DateTimeOffset OccurredAt);

/// <summary>
/// A call reached the worker: leg <see cref="LegId"/> is offered and waits for <see cref="RingLeg"/> or
/// <see cref="RejectLeg"/>. The worker chose the leg's id (it becomes the customer participant's id) and the
/// conversation's id; <see cref="To"/> is the dialled number or user (the request URI's user part).
/// </summary>
public sealed record InboundCallReceived(
    string WorkerId, string ConversationId, string LegId, string From, string To, string? CallerIdName, DateTimeOffset OccurredAt);

/// <summary>
/// The far end of <see cref="LegId"/> asked us (SIP REFER) to transfer its peer to <see cref="Target"/>; the worker
/// is already calling the target as leg <see cref="NewLegId"/>.
/// </summary>
public sealed record LegTransferRequested(
    string TenantId, string ConversationId, string LegId, string WorkerId, string Target, string NewLegId, DateTimeOffset OccurredAt);

/// <summary>
/// A worker is alive. Sent every few seconds to every API instance; a worker not heard from for the
/// heartbeat timeout has its legs ended <c>gone</c>.
/// </summary>
public sealed record MediaWorkerHeartbeat(string WorkerId, string SipAddress, int ActiveLegs, DateTimeOffset StartedAt, DateTimeOffset OccurredAt);
