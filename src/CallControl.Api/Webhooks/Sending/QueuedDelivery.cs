using CallControl.Api.Webhooks.Delivery;

namespace CallControl.Api.Webhooks.Sending;

/// <summary>Where a subscription's messages go and the secret that signs them, parsed once per subscription.</summary>
public sealed class WebhookTarget
{
    private WebhookTarget(string subscriptionId, string url, string rawSecret, WebhookSecret? secret, string? secretError)
    {
        SubscriptionId = subscriptionId;
        Url = url;
        RawSecret = rawSecret;
        Secret = secret;
        SecretError = secretError;
    }

    public string SubscriptionId { get; }

    public string Url { get; }

    /// <summary>The stored text of the secret, to tell whether a cached target is still current.</summary>
    public string RawSecret { get; }

    /// <summary>The signing secret, or null when the stored one does not parse (<see cref="SecretError"/> says why).</summary>
    public WebhookSecret? Secret { get; }

    public string? SecretError { get; }

    public static WebhookTarget Create(string subscriptionId, string url, string rawSecret) =>
        WebhookSecret.TryParse(rawSecret, out var secret, out var error)
            ? new WebhookTarget(subscriptionId, url, rawSecret, secret, null)
            : new WebhookTarget(subscriptionId, url, rawSecret, null, error);
}

/// <summary>
/// A message waiting in its lane: the delivery row's id and what sending it needs. <see cref="Attempts"/> and
/// <see cref="DueAt"/> change as it is retried.
/// </summary>
public sealed record QueuedDelivery(
    long Id,
    string Lane,
    string MessageId,
    byte[] Body,
    DateTimeOffset WindowStart,
    int Attempts,
    DateTimeOffset DueAt,
    WebhookTarget Target)
{
    public string SubscriptionId => Target.SubscriptionId;
}
