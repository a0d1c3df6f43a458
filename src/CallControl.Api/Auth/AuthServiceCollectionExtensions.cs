using Microsoft.Extensions.Options;

namespace CallControl.Api.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// API-key authentication (<see cref="ApiKeyAuthenticationHandler.SchemeName"/>, the default scheme) and one
    /// authorization policy per scope, named after it. Keys come from the <c>Auth</c> section; in Development
    /// with none configured <see cref="ApiKeyStore.DevelopmentKey"/> is accepted, anywhere else the host refuses to start.
    /// </summary>
    public static IServiceCollection AddCallControlAuth(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);

        var isDevelopment = environment.IsDevelopment();
        services.AddOptions<ApiKeyOptions>()
            .Bind(configuration.GetSection(ApiKeyOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>>(new ApiKeyOptionsValidator(keysRequired: !isDevelopment));
        services.AddSingleton(provider => ApiKeyStore.FromOptions(provider.GetRequiredService<IOptions<ApiKeyOptions>>().Value, isDevelopment));
        services.AddHostedService<ApiKeyStartupCheck>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);

        var authorization = services.AddAuthorizationBuilder();
        foreach (var scope in ApiScopes.All)
        {
            authorization.AddPolicy(scope, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiClaimTypes.Scope, scope));
        }

        return services;
    }

    /// <summary>Authentication then authorization; call after routing so endpoint policies are known.</summary>
    public static IApplicationBuilder UseCallControlAuth(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
