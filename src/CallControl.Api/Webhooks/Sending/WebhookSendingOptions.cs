namespace CallControl.Api.Webhooks.Sending;

/// <summary>Limits of webhook sending, bound from the <c>Webhooks</c> section; every one explicit.</summary>
public sealed class WebhookSendingOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>How long a message is retried before it is <c>dead</c> (the contract: at least 24 h).</summary>
    public TimeSpan RetryWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The first retry's delay; it doubles per attempt, with ±20 % jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Lanes being sent at once, over all subscriptions.</summary>
    public int MaxConcurrentSends { get; set; } = 128;

    /// <summary>Lanes of one subscription being sent at once, so a slow receiver cannot take every slot.</summary>
    public int MaxInFlightPerSubscription { get; set; } = 16;

    /// <summary>Messages of one lane sent one after the other before waiting lanes get their turn.</summary>
    public int MessagesPerTurn { get; set; } = 20;

    /// <summary>
    /// Messages of one lane held in memory; the rest stay in the database and are read as these are done. A
    /// lane that is being retried keeps only its head, so a receiver that is down costs one message per lane.
    /// </summary>
    public int LaneWindow { get; set; } = 32;

    /// <summary>How often redeliveries asked for and subscriptions deleted on other instances are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}
