namespace CallControl.Api.Webhooks.Delivery;

/// <summary>What <see cref="WebhookSigner.Verify(WebhookHeaders, ReadOnlySpan{byte}, WebhookSecret, TimeSpan)"/> concluded.</summary>
public enum WebhookVerificationResult
{
    /// <summary>A <c>v1</c> signature matches and the timestamp is within the tolerance.</summary>
    Verified,

    /// <summary>One of <c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> is absent or empty.</summary>
    MissingHeader,

    /// <summary><c>webhook-timestamp</c> is not a non-negative whole number of unix seconds.</summary>
    MalformedTimestamp,

    /// <summary>The timestamp is further from the receiver's clock than the tolerance: a replay or a badly skewed clock.</summary>
    TimestampOutOfTolerance,

    /// <summary>No <c>v1</c> entry matches the body under this secret: tampered body, wrong secret or a different id/timestamp.</summary>
    SignatureMismatch,
}
