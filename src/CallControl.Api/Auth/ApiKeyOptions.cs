namespace CallControl.Api.Auth;

/// <summary>The <c>Auth</c> configuration section.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Auth";

    /// <summary><c>Auth:ApiKeys:N:*</c>. Empty means "none configured", which only Development tolerates.</summary>
    public List<ApiKeyDefinition> ApiKeys { get; init; } = [];
}

/// <summary>One configured key (<c>Auth:ApiKeys:N</c>). Exactly one of <see cref="KeyHash"/> and <see cref="Key"/> is set.</summary>
public sealed class ApiKeyDefinition
{
    /// <summary>
    /// Hex SHA-256 of the key's UTF-8 bytes: the recommended form, because the configuration then holds
    /// nothing a caller could present.
    /// </summary>
    public string? KeyHash { get; set; }

    /// <summary>The key in plain text. Accepted for convenience; the store hashes it at load and keeps only the hash.</summary>
    public string? Key { get; set; }

    public string? Tenant { get; set; }

    public List<string> Scopes { get; init; } = [];

    /// <summary>A label for logs; defaults to the entry's position when omitted.</summary>
    public string? Name { get; set; }
}
