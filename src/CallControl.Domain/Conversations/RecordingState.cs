namespace CallControl.Domain.Conversations;

/// <summary>
/// <see cref="Enabled"/> is true only once the media layer confirmed the recorder runs; requests queue in
/// <see cref="Pending"/> in the order the media layer will act on them.
/// </summary>
public sealed record RecordingState(bool Enabled, string? Path, ValueList<RecordingRequest> Pending)
{
    public static RecordingState Off { get; } = new(false, null, []);

    /// <summary>Where recording ends up once everything requested is confirmed.</summary>
    public bool Intended => Pending.Count > 0 ? Pending[^1].Enable : Enabled;
}

public sealed record RecordingRequest(bool Enable, DateTimeOffset RequestedAt);
