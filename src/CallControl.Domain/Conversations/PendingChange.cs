namespace CallControl.Domain.Conversations;

/// <summary>A change the media layer was asked for and has not confirmed yet.</summary>
public sealed record PendingChange(MediaOperation Command, DateTimeOffset RequestedAt);
