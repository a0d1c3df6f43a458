using System.Net.Http.Headers;

namespace CallControl.Api.Webhooks.Delivery;

/// <summary>The three Standard Webhooks headers of one delivery attempt, as sent or as received.</summary>
/// <param name="Id">The <c>webhook-id</c> value: stable per logical message, the receiver's dedupe key.</param>
/// <param name="Timestamp">The <c>webhook-timestamp</c> value: unix seconds when the attempt was signed.</param>
/// <param name="Signature">The <c>webhook-signature</c> value: space-separated <c>v1,&lt;base64&gt;</c> entries.</param>
public sealed record WebhookHeaders(string Id, string Timestamp, string Signature)
{
    public const string IdName = "webhook-id";
    public const string TimestampName = "webhook-timestamp";
    public const string SignatureName = "webhook-signature";

    /// <summary>Adds the three headers to an outgoing request, replacing any earlier values.</summary>
    public void ApplyTo(HttpRequestHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Set(headers, IdName, Id);
        Set(headers, TimestampName, Timestamp);
        Set(headers, SignatureName, Signature);
    }

    private static void Set(HttpRequestHeaders headers, string name, string value)
    {
        headers.Remove(name);
        // The values are produced by WebhookSigner (visible ASCII); validation would only re-parse them.
        headers.TryAddWithoutValidation(name, value);
    }
}
