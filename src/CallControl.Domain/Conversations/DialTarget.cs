namespace CallControl.Domain.Conversations;

/// <summary>
/// The addresses the conversation was set up with: for outbound, whom the agent asked to call (and the
/// participant id the customer will get once the agent answers); for inbound, the number the customer dialled.
/// </summary>
public sealed record DialTarget(string To, string? From, string? CallerIdName, ParticipantId? CustomerParticipantId);
