using System.ComponentModel.DataAnnotations;

namespace CallControl.Api.Media;

/// <summary>The <c>MediaWorkers</c> section: how the API keeps track of the workers that carry calls.</summary>
public sealed class MediaWorkersOptions
{
    public const string SectionName = "MediaWorkers";

    /// <summary>
    /// A worker not heard from for this long is dead: its legs are ended <c>gone</c>, and it gets no new calls.
    /// Also how long a conversation may wait for any worker at all.
    /// </summary>
    [Range(2, 300)]
    public int HeartbeatTimeoutSeconds { get; set; } = 10;

    /// <summary>How often the API looks for conversations on dead workers.</summary>
    [Range(1, 60)]
    public int SweepIntervalSeconds { get; set; } = 1;

    /// <summary>
    /// Whether this process hosts a media worker itself. Unset: yes on the in-memory transport (the default
    /// local run), no on RabbitMQ (workers run as their own processes).
    /// </summary>
    public bool? InProcess { get; set; }

    public TimeSpan HeartbeatTimeout => TimeSpan.FromSeconds(HeartbeatTimeoutSeconds);
}
