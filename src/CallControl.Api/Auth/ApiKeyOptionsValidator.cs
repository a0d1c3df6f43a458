using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Auth;

/// <summary>
/// Rejects <see cref="ApiKeyOptions"/> that would leave the service open or keys that could never work, with
/// messages that name the configuration path to fix. Registered with <c>ValidateOnStart</c>, so a bad
/// configuration stops the host before it serves a request.
/// </summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    private const string Path = ApiKeyOptions.SectionName + ":ApiKeys";

    private static readonly SearchValues<char> TenantCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef");

    private readonly bool _keysRequired;

    /// <param name="keysRequired">
    /// Whether an empty key list is an error: true everywhere but Development, where the development key
    /// stands in for configured ones.
    /// </param>
    public ApiKeyOptionsValidator(bool keysRequired) => _keysRequired = keysRequired;

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = FindProblems(options, _keysRequired);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static List<string> FindProblems(ApiKeyOptions options, bool keysRequired)
    {
        var problems = new List<string>();
        if (options.ApiKeys.Count == 0)
        {
            if (keysRequired)
            {
                problems.Add(
                    $"No API keys are configured. Outside the Development environment the service needs at least one: set {Path}:0:KeyHash " +
                    $"(hex SHA-256 of the key; or {Path}:0:Key with the key itself), {Path}:0:Tenant and {Path}:0:Scopes:0 " +
                    $"({string.Join(", ", ApiScopes.All)}), for example as environment variables Auth__ApiKeys__0__KeyHash, " +
                    "Auth__ApiKeys__0__Tenant and Auth__ApiKeys__0__Scopes__0.");
            }

            return problems;
        }

        // Two entries with the same key would make the tenant depend on list order; remember where each hash came from.
        var firstIndexByHash = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < options.ApiKeys.Count; index++)
        {
            var entry = options.ApiKeys[index];
            var entryPath = $"{Path}:{index.ToString(CultureInfo.InvariantCulture)}";
            if (entry is null)
            {
                problems.Add($"{entryPath}: the entry is empty; give it a KeyHash or Key, a Tenant and Scopes.");
                continue;
            }

            var problemsBefore = problems.Count;
            CheckTenant(entry, entryPath, problems);
            CheckScopes(entry, entryPath, problems);
            var keyIsValid = CheckKey(entry, entryPath, problems);
            if (keyIsValid && problems.Count == problemsBefore)
            {
                var hash = Convert.ToHexString(ApiKeyStore.HashOf(entry));
                if (!firstIndexByHash.TryAdd(hash, index))
                {
                    problems.Add($"{entryPath}: the same key as {Path}:{firstIndexByHash[hash].ToString(CultureInfo.InvariantCulture)}; every key must be distinct.");
                }
            }
        }

        return problems;
    }

    private static void CheckTenant(ApiKeyDefinition entry, string entryPath, List<string> problems)
    {
        if (string.IsNullOrEmpty(entry.Tenant))
        {
            problems.Add($"{entryPath}:Tenant is required.");
        }
        else if (!IsValidTenant(entry.Tenant))
        {
            problems.Add($"{entryPath}:Tenant '{entry.Tenant}' must be 1-64 letters, digits, '.', '_' or '-'.");
        }
    }

    private static void CheckScopes(ApiKeyDefinition entry, string entryPath, List<string> problems)
    {
        // A key without scopes could only ever be refused; that is almost always a misspelt "Scopes" section.
        if (entry.Scopes.Count == 0)
        {
            problems.Add($"{entryPath}:Scopes must list at least one of {string.Join(", ", ApiScopes.All)}.");
            return;
        }

        foreach (var scope in entry.Scopes)
        {
            if (!ApiScopes.IsKnown(scope))
            {
                problems.Add($"{entryPath}:Scopes contains unknown scope '{scope}'; allowed: {string.Join(", ", ApiScopes.All)}.");
            }
        }
    }

    /// <summary>Messages never quote the key or its hash: startup errors end up in logs.</summary>
    private static bool CheckKey(ApiKeyDefinition entry, string entryPath, List<string> problems)
    {
        var hasHash = !string.IsNullOrEmpty(entry.KeyHash);
        var hasKey = !string.IsNullOrEmpty(entry.Key);
        if (hasHash && hasKey)
        {
            problems.Add($"{entryPath}: set either KeyHash or Key, not both.");
            return false;
        }

        if (!hasHash && !hasKey)
        {
            problems.Add($"{entryPath}:KeyHash (hex SHA-256 of the key) or {entryPath}:Key is required.");
            return false;
        }

        if (hasHash && !IsSha256Hex(entry.KeyHash!))
        {
            problems.Add($"{entryPath}:KeyHash must be 64 hexadecimal characters (the SHA-256 of the key).");
            return false;
        }

        if (hasKey && !CanBeSentAsBearerToken(entry.Key!))
        {
            problems.Add($"{entryPath}:Key must be 1-{ApiKeyStore.MaxKeyLength.ToString(CultureInfo.InvariantCulture)} printable ASCII characters without spaces, or no client could send it.");
            return false;
        }

        return true;
    }

    private static bool IsSha256Hex(string value) => value.Length == 64 && !value.AsSpan().ContainsAnyExcept(HexDigits);

    /// <summary>Kestrel only accepts visible ASCII in header values, and a space would end the bearer token.</summary>
    private static bool CanBeSentAsBearerToken(string key) =>
        key.Length <= ApiKeyStore.MaxKeyLength && !key.AsSpan().ContainsAnyExceptInRange('!', '~');

    /// <summary>The contract's id alphabet (<c>^[A-Za-z0-9._-]{1,64}$</c>), so a tenant can appear in ids, paths and logs unescaped.</summary>
    private static bool IsValidTenant(string tenant) => tenant.Length <= 64 && !tenant.AsSpan().ContainsAnyExcept(TenantCharacters);
}
