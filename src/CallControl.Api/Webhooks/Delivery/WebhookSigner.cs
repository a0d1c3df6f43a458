using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CallControl.Api.Webhooks.Delivery;

/// <summary>
/// Signs deliveries the Standard Webhooks way and checks such signatures. The signed content is
/// <c>"{webhook-id}.{webhook-timestamp}.{body}"</c> as UTF-8, the MAC is HMAC-SHA256 under the secret's key, and
/// <c>webhook-signature</c> carries it as <c>v1,&lt;base64&gt;</c>.
/// </summary>
/// <remarks>
/// <para>
/// Several secrets sign one delivery while a subscription rotates its secret: the header then lists one
/// space-separated entry per secret, and a receiver accepts the delivery when any entry matches the secret it holds.
/// </para>
/// <para>
/// How a receiver verifies: take the three headers and the raw request body bytes (before any JSON parsing or
/// re-encoding), rebuild <c>"{id}.{timestamp}.{body}"</c>, compute HMAC-SHA256 with the key after <c>whsec_</c>
/// base64-decoded, and compare it in constant time against each <c>v1</c> entry; refuse a timestamp more than
/// <see cref="DefaultTolerance"/> from the receiver's clock, so a captured delivery cannot be replayed later.
/// Deduplicate on <c>webhook-id</c>: retries of one message carry the same id and a fresh timestamp.
/// <see cref="Verify(WebhookHeaders, ReadOnlySpan{byte}, WebhookSecret, TimeSpan)"/> does exactly this.
/// </para>
/// </remarks>
public sealed class WebhookSigner
{
    public const string SignatureVersion = "v1";

    /// <summary>How far a timestamp may be from the verifier's clock, either way.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string EntryPrefix = SignatureVersion + ",";
    private const int HashLength = HMACSHA256.HashSizeInBytes;
    private const int EncodedHashLength = (HashLength + 2) / 3 * 4;
    private const int EntryLength = 3 + EncodedHashLength;

    /// <summary>Signed content and headers up to these sizes are built on the stack; larger ones borrow pooled buffers.</summary>
    private const int StackBufferBytes = 1024;

    private const int StackBufferChars = 512;

    private readonly TimeProvider _timeProvider;

    public WebhookSigner(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Headers for one delivery attempt of <paramref name="body"/>, stamped with the current time. Sign every
    /// attempt afresh: a retry keeps the id but needs a timestamp the receiver's tolerance accepts.
    /// </summary>
    /// <param name="messageId">The <c>webhook-id</c>: visible ASCII, the same for every attempt of one message.</param>
    /// <param name="body">The exact bytes that will be sent as the request body.</param>
    /// <param name="secrets">One secret, or several while rotating; each adds a <c>v1</c> entry in this order.</param>
    public WebhookHeaders Sign(string messageId, ReadOnlySpan<byte> body, params ReadOnlySpan<WebhookSecret> secrets)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        if (messageId.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            // It goes into a header unescaped and into the signed content, which both ends must build identically.
            throw new ArgumentException("The message id must be visible ASCII without spaces.", nameof(messageId));
        }

        if (secrets.IsEmpty)
        {
            throw new ArgumentException("At least one secret is required.", nameof(secrets));
        }

        foreach (var secret in secrets)
        {
            ArgumentNullException.ThrowIfNull(secret, nameof(secrets));
        }

        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new WebhookHeaders(messageId, timestamp, SignatureHeader(messageId, timestamp, body, secrets));
    }

    /// <summary>Checks a received delivery against <paramref name="secret"/> with <see cref="DefaultTolerance"/>.</summary>
    public WebhookVerificationResult Verify(WebhookHeaders headers, ReadOnlySpan<byte> body, WebhookSecret secret) =>
        Verify(headers, body, secret, DefaultTolerance);

    /// <summary>
    /// Checks a received delivery: the timestamp lies within <paramref name="tolerance"/> of this signer's clock
    /// and some <c>v1</c> entry equals the HMAC of the id, timestamp and <paramref name="body"/> under
    /// <paramref name="secret"/>, compared in constant time. Entries of other versions are ignored.
    /// </summary>
    /// <param name="body">The raw bytes received, before any parsing.</param>
    public WebhookVerificationResult Verify(WebhookHeaders headers, ReadOnlySpan<byte> body, WebhookSecret secret, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentOutOfRangeException.ThrowIfLessThan(tolerance, TimeSpan.Zero);

        if (string.IsNullOrEmpty(headers.Id) || string.IsNullOrEmpty(headers.Timestamp) || string.IsNullOrEmpty(headers.Signature))
        {
            return WebhookVerificationResult.MissingHeader;
        }

        if (!long.TryParse(headers.Timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return WebhookVerificationResult.MalformedTimestamp;
        }

        // Both sides are non-negative, so the difference cannot overflow.
        var skewSeconds = Math.Abs(_timeProvider.GetUtcNow().ToUnixTimeSeconds() - timestamp);
        if (skewSeconds > (long)tolerance.TotalSeconds)
        {
            return WebhookVerificationResult.TimestampOutOfTolerance;
        }

        Span<byte> expected = stackalloc byte[HashLength];
        ComputeHash(headers.Id, headers.Timestamp, body, secret, expected);

        // Room for any entry a little longer than a SHA-256 MAC; anything that does not fit cannot match anyway.
        Span<byte> candidate = stackalloc byte[2 * HashLength];
        var signature = headers.Signature.AsSpan();
        foreach (var range in signature.Split(' '))
        {
            var entry = signature[range];
            if (entry.StartsWith(EntryPrefix, StringComparison.Ordinal)
                && Convert.TryFromBase64Chars(entry[EntryPrefix.Length..], candidate, out var written)
                && written == HashLength
                && CryptographicOperations.FixedTimeEquals(candidate[..written], expected))
            {
                return WebhookVerificationResult.Verified;
            }
        }

        return WebhookVerificationResult.SignatureMismatch;
    }

    private static string SignatureHeader(string id, string timestamp, ReadOnlySpan<byte> body, ReadOnlySpan<WebhookSecret> secrets)
    {
        var contentLength = SignedContentLength(id, timestamp, body);
        var headerLength = (secrets.Length * (EntryLength + 1)) - 1;
        byte[]? rentedContent = null;
        char[]? rentedHeader = null;
        var content = contentLength <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rentedContent = ArrayPool<byte>.Shared.Rent(contentLength));
        var header = headerLength <= StackBufferChars
            ? stackalloc char[StackBufferChars]
            : (rentedHeader = ArrayPool<char>.Shared.Rent(headerLength));
        try
        {
            content = content[..contentLength];
            WriteSignedContent(id, timestamp, body, content);
            Span<byte> hash = stackalloc byte[HashLength];
            var position = 0;
            foreach (var secret in secrets)
            {
                if (position > 0)
                {
                    header[position++] = ' ';
                }

                EntryPrefix.CopyTo(header[position..]);
                position += EntryPrefix.Length;
                HMACSHA256.HashData(secret.Key, content, hash);
                Convert.TryToBase64Chars(hash, header[position..], out var written);
                position += written;
            }

            return new string(header[..position]);
        }
        finally
        {
            if (rentedContent is not null)
            {
                ArrayPool<byte>.Shared.Return(rentedContent);
            }

            if (rentedHeader is not null)
            {
                ArrayPool<char>.Shared.Return(rentedHeader);
            }
        }
    }

    private static void ComputeHash(string id, string timestamp, ReadOnlySpan<byte> body, WebhookSecret secret, Span<byte> hash)
    {
        var contentLength = SignedContentLength(id, timestamp, body);
        byte[]? rented = null;
        var content = contentLength <= StackBufferBytes
            ? stackalloc byte[StackBufferBytes]
            : (rented = ArrayPool<byte>.Shared.Rent(contentLength));
        try
        {
            content = content[..contentLength];
            WriteSignedContent(id, timestamp, body, content);
            HMACSHA256.HashData(secret.Key, content, hash);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int SignedContentLength(string id, string timestamp, ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetByteCount(id) + 1 + Encoding.UTF8.GetByteCount(timestamp) + 1 + body.Length;

    /// <summary><c>"{id}.{timestamp}.{body}"</c> as UTF-8; <paramref name="destination"/> is exactly that long.</summary>
    private static void WriteSignedContent(string id, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        var position = Encoding.UTF8.GetBytes(id, destination);
        destination[position++] = (byte)'.';
        position += Encoding.UTF8.GetBytes(timestamp, destination[position..]);
        destination[position++] = (byte)'.';
        body.CopyTo(destination[position..]);
    }
}
