using Microsoft.AspNetCore.Authentication;

namespace CallControl.Api.Auth;

/// <summary>Options of the <see cref="ApiKeyAuthenticationHandler.SchemeName"/> scheme; the keys themselves live in <see cref="ApiKeyOptions"/>.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions;
