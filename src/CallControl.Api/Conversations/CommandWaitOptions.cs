namespace CallControl.Api.Conversations;

/// <summary>How a command sent with <c>Prefer: wait</c> waits, bound from the <c>Commands</c> section.</summary>
public sealed class CommandWaitOptions
{
    public const string SectionName = "Commands";

    /// <summary>
    /// Milliseconds between looks at the store for the media layer's answer appended by another instance (answers
    /// appended by this instance wake the request at once): the most such an answer waits, traded against one
    /// query per interval per waiting request.
    /// </summary>
    public int WaitPollMilliseconds { get; set; } = 100;

    public TimeSpan WaitPollInterval => TimeSpan.FromMilliseconds(WaitPollMilliseconds);
}
