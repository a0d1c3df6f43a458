using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;

namespace CallControl.Api.Webhooks.Delivery;

/// <summary>
/// A subscription's signing secret in the Standard Webhooks form: <c>whsec_</c> followed by standard, padded
/// base64 of the key. The key is what HMAC-SHA256 uses; the text form is what the subscriber is shown once.
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";

    /// <summary>Bytes of randomness in a generated secret.</summary>
    public const int GeneratedKeyLength = 32;

    /// <summary>Shortest key a subscriber may supply; below this HMAC-SHA256 loses strength.</summary>
    public const int MinKeyLength = 24;

    /// <summary>Longest key a subscriber may supply; HMAC-SHA256 hashes anything over its 64-byte block first, so more adds nothing.</summary>
    public const int MaxKeyLength = 64;

    private static readonly int MaxEncodedLength = Base64Length(MaxKeyLength);

    private static readonly SearchValues<char> Base64Characters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    private static readonly string FormatHint =
        $"A webhook secret is '{Prefix}' followed by standard padded base64 of {MinKeyLength.ToString(CultureInfo.InvariantCulture)} " +
        $"to {MaxKeyLength.ToString(CultureInfo.InvariantCulture)} random bytes.";

    private readonly byte[] _key;

    private WebhookSecret(string value, byte[] key)
    {
        Value = value;
        _key = key;
    }

    /// <summary>The text form, <c>whsec_…</c>. Only ever returned to the subscriber when the webhook is created.</summary>
    public string Value { get; }

    /// <summary>A copy of the HMAC key (the bytes the base64 after the prefix decodes to).</summary>
    public byte[] KeyBytes => _key.ToArray();

    internal ReadOnlySpan<byte> Key => _key;

    /// <summary>A new secret of <see cref="GeneratedKeyLength"/> bytes from the operating system's CSPRNG.</summary>
    public static WebhookSecret Generate()
    {
        var key = RandomNumberGenerator.GetBytes(GeneratedKeyLength);
        return new WebhookSecret(Prefix + Convert.ToBase64String(key), key);
    }

    /// <summary>
    /// Accepts a caller-supplied secret, or explains what is wrong with it. The explanation never quotes the
    /// value, because validation messages end up in responses and logs.
    /// </summary>
    public static bool TryParse(
        string? value,
        [NotNullWhen(true)] out WebhookSecret? secret,
        [NotNullWhen(false)] out string? error)
    {
        secret = null;
        if (string.IsNullOrEmpty(value))
        {
            error = "The secret is empty. " + FormatHint;
            return false;
        }

        if (!value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"The secret does not start with '{Prefix}'. " + FormatHint;
            return false;
        }

        var encoded = value.AsSpan(Prefix.Length);
        if (encoded.Length > MaxEncodedLength)
        {
            error = $"The key after '{Prefix}' is longer than {MaxKeyLength.ToString(CultureInfo.InvariantCulture)} bytes. " + FormatHint;
            return false;
        }

        // Convert skips whitespace inside base64; a secret with spaces or line breaks is a copy-paste accident, not a key.
        Span<byte> decoded = stackalloc byte[MaxEncodedLength / 4 * 3];
        if (encoded.IsEmpty
            || encoded.ContainsAnyExcept(Base64Characters)
            || !Convert.TryFromBase64Chars(encoded, decoded, out var length))
        {
            error = $"The part after '{Prefix}' is not valid base64. " + FormatHint;
            return false;
        }

        if (length > MaxKeyLength)
        {
            error = $"The key after '{Prefix}' is longer than {MaxKeyLength.ToString(CultureInfo.InvariantCulture)} bytes. " + FormatHint;
            return false;
        }

        if (length < MinKeyLength)
        {
            error = $"The key after '{Prefix}' is {length.ToString(CultureInfo.InvariantCulture)} bytes; " +
                $"at least {MinKeyLength.ToString(CultureInfo.InvariantCulture)} are required. " + FormatHint;
            return false;
        }

        secret = new WebhookSecret(value, decoded[..length].ToArray());
        error = null;
        return true;
    }

    /// <exception cref="FormatException">The value is not a valid secret; the message says why.</exception>
    public static WebhookSecret Parse(string value) =>
        TryParse(value, out var secret, out var error) ? secret : throw new FormatException(error);

    /// <summary>Redacted, so a secret that reaches a log line or an exception message does not leak.</summary>
    public override string ToString() => Prefix + "***";

    private static int Base64Length(int bytes) => (bytes + 2) / 3 * 4;
}
