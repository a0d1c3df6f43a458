namespace CallControl.Domain.Conversations;

/// <summary>
/// Why we asked the media layer to end a participant's leg. When the leg then ends, the disconnect is
/// recorded with this reason (when given) and this initiator, because the media layer only sees that it
/// sent a BYE, not why.
/// </summary>
public sealed record EndRequest(DisconnectReason? Reason, Initiator Initiator, DateTimeOffset RequestedAt);
