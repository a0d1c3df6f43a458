namespace CallControl.Api.Auth;

public static class ApiScopeEndpointExtensions
{
    /// <summary>
    /// Requires an API key granting <paramref name="scope"/> for the endpoint, or for every endpoint of a
    /// route group: 401 without a valid key, 403 without the scope.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="scope"/> is not one of <see cref="ApiScopes.All"/>.</exception>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        // An unknown name would only fail once a request arrives; a typo should fail at startup.
        if (!ApiScopes.IsKnown(scope))
        {
            throw new ArgumentException($"'{scope}' is not an API scope; use one of {string.Join(", ", ApiScopes.All)}.", nameof(scope));
        }

        return builder.RequireAuthorization(scope);
    }
}
