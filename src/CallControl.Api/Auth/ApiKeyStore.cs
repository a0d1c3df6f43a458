using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Auth;

/// <summary>
/// The accepted API keys, held only as SHA-256 hashes: neither a memory dump nor a debugger shows a key
/// a caller could present.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>Longer presented keys are refused before hashing, so a huge header costs no hashing work.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>The key that works in Development while no keys are configured.</summary>
    public const string DevelopmentKey = "dev-key";

    public const string DevelopmentTenant = "default";

    public const string DevelopmentKeyName = "development key";

    private readonly StoredKey[] _keys;

    private ApiKeyStore(StoredKey[] keys, bool isDevelopmentKeyActive)
    {
        _keys = keys;
        IsDevelopmentKeyActive = isDevelopmentKeyActive;
    }

    /// <summary>Whether <see cref="DevelopmentKey"/> is the (only) accepted key.</summary>
    public bool IsDevelopmentKeyActive { get; }

    /// <summary>How many keys are accepted.</summary>
    public int Count => _keys.Length;

    /// <summary>Builds the store from configuration.</summary>
    /// <param name="options">The bound <c>Auth</c> section.</param>
    /// <param name="isDevelopment">
    /// Whether the host runs in Development: only then does an empty key list fall back to
    /// <see cref="DevelopmentKey"/> instead of being an error.
    /// </param>
    /// <exception cref="OptionsValidationException">The options are invalid; the message names each bad entry.</exception>
    public static ApiKeyStore FromOptions(ApiKeyOptions options, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = ApiKeyOptionsValidator.FindProblems(options, keysRequired: !isDevelopment);
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ApiKeyOptions), problems);
        }

        if (options.ApiKeys.Count == 0)
        {
            var development = new ApiPrincipal(DevelopmentTenant, new HashSet<string>(ApiScopes.All, StringComparer.Ordinal), DevelopmentKeyName);
            return new ApiKeyStore([new StoredKey(Hash(DevelopmentKey), development)], isDevelopmentKeyActive: true);
        }

        var keys = new StoredKey[options.ApiKeys.Count];
        for (var index = 0; index < keys.Length; index++)
        {
            var entry = options.ApiKeys[index];
            var name = string.IsNullOrWhiteSpace(entry.Name) ? "Auth:ApiKeys:" + index.ToString(CultureInfo.InvariantCulture) : entry.Name;
            var principal = new ApiPrincipal(entry.Tenant!, new HashSet<string>(entry.Scopes, StringComparer.Ordinal), name);
            keys[index] = new StoredKey(HashOf(entry), principal);
        }

        return new ApiKeyStore(keys, isDevelopmentKeyActive: false);
    }

    /// <summary>Finds the key a caller presented.</summary>
    /// <returns>False for an empty, overlong or unknown key.</returns>
    public bool TryAuthenticate(ReadOnlySpan<char> presentedKey, [NotNullWhen(true)] out ApiPrincipal? principal)
    {
        principal = null;
        if (presentedKey.IsEmpty || presentedKey.Length > MaxKeyLength)
        {
            return false;
        }

        Span<byte> presentedHash = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(presentedKey, presentedHash);

        // Comparing fixed-length hashes, in constant time and against every entry without stopping at a
        // match, keeps response timing independent of how much of which key a guess got right.
        foreach (var key in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(presentedHash, key.Hash))
            {
                principal = key.Principal;
            }
        }

        return principal is not null;
    }

    /// <summary>The hash an entry stands for: its <see cref="ApiKeyDefinition.KeyHash"/>, or the hash of its plain <see cref="ApiKeyDefinition.Key"/>.</summary>
    internal static byte[] HashOf(ApiKeyDefinition entry) =>
        string.IsNullOrEmpty(entry.KeyHash) ? Hash(entry.Key) : Convert.FromHexString(entry.KeyHash);

    private static byte[] Hash(ReadOnlySpan<char> key)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        Hash(key, hash);
        return hash;
    }

    private static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        // Callers bound the length (MaxKeyLength, or configuration validated to it), so the UTF-8 form fits on the stack.
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(MaxKeyLength)];
        var length = Encoding.UTF8.GetBytes(key, utf8);
        SHA256.HashData(utf8[..length], destination);
        CryptographicOperations.ZeroMemory(utf8[..length]);
    }

    private sealed record StoredKey(byte[] Hash, ApiPrincipal Principal);
}
