using System.Security.Claims;

namespace CallControl.Api.Auth;

public static class TenantExtensions
{
    /// <summary>The tenant of the API key that authenticated the request.</summary>
    /// <exception cref="InvalidOperationException">
    /// The request is not authenticated with an API key: the endpoint is missing <c>RequireScope</c>, which is a bug, not a client error.
    /// </exception>
    public static string GetTenantId(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.User.GetTenantId();
    }

    /// <inheritdoc cref="GetTenantId(HttpContext)"/>
    public static string GetTenantId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true)
        {
            throw new InvalidOperationException("The request is not authenticated; endpoints that need a tenant must require an API scope (RequireScope).");
        }

        return principal.FindFirst(ApiClaimTypes.Tenant)?.Value
            ?? throw new InvalidOperationException($"The authenticated principal has no {ApiClaimTypes.Tenant} claim; it was not authenticated with an API key.");
    }
}
