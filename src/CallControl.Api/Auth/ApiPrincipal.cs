namespace CallControl.Api.Auth;

/// <summary>Who an accepted API key speaks for.</summary>
/// <param name="Tenant">The tenant every resource the caller touches must belong to.</param>
/// <param name="Scopes">The scopes the key grants, a subset of <see cref="ApiScopes.All"/>.</param>
/// <param name="KeyName">The key's label for logs.</param>
public sealed record ApiPrincipal(string Tenant, IReadOnlySet<string> Scopes, string KeyName)
{
    public bool HasScope(string scope) => Scopes.Contains(scope);
}
