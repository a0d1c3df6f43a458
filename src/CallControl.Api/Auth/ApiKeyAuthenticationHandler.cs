using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CallControl.Api.Auth;

/// <summary>
/// The <see cref="SchemeName"/> scheme: <c>Authorization: Bearer &lt;api key&gt;</c> checked against the
/// <see cref="ApiKeyStore"/>, with the contract's problem documents for 401 and 403.
/// </summary>
public sealed partial class ApiKeyAuthenticationHandler : AuthenticationHandler<ApiKeyAuthenticationOptions>
{
    public const string SchemeName = "ApiKey";

    private const string BearerScheme = "Bearer";

    private readonly ApiKeyStore _store;

    public ApiKeyAuthenticationHandler(
        IOptionsMonitor<ApiKeyAuthenticationOptions> options,
        ILoggerFactory logger,
        UrlEncoder encoder,
        ApiKeyStore store)
        : base(options, logger, encoder)
    {
        _store = store;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Failure messages become the 401 detail and a log line, so none of them quotes what was sent.
        if (headers.Count > 1)
        {
            return Fail("Send exactly one Authorization header.");
        }

        var value = headers[0].AsSpan().Trim();
        var schemeEnd = value.IndexOfAny(' ', '\t');
        var scheme = schemeEnd < 0 ? value : value[..schemeEnd];
        if (!scheme.Equals(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            return Fail("The Authorization header must use the Bearer scheme: 'Authorization: Bearer <api key>'.");
        }

        var token = schemeEnd < 0 ? [] : value[schemeEnd..].Trim();
        if (token.IsEmpty || token.ContainsAny(' ', '\t'))
        {
            return Fail("The Authorization header must carry exactly one bearer token: 'Authorization: Bearer <api key>'.");
        }

        if (!_store.TryAuthenticate(token, out var principal))
        {
            return Fail("The API key is not valid.");
        }

        var claims = new List<Claim>(principal.Scopes.Count + 2)
        {
            new(ApiClaimTypes.Tenant, principal.Tenant),
            new(ApiClaimTypes.KeyName, principal.KeyName),
        };
        claims.AddRange(principal.Scopes.Select(scope => new Claim(ApiClaimTypes.Scope, scope)));
        var identity = new ClaimsIdentity(claims, Scheme.Name, ApiClaimTypes.KeyName, roleType: null);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var failure = result.Failure?.Message;

        // RFC 6750: a request without credentials gets the bare challenge, a rejected token the invalid_token error.
        Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await AuthProblems.WriteUnauthorizedAsync(
            Context,
            failure ?? "An API key is required: send 'Authorization: Bearer <api key>'.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var missingScope = FindMissingScope();
        var keyName = Context.User.FindFirst(ApiClaimTypes.KeyName)?.Value ?? "(unknown)";
        if (missingScope is null)
        {
            LogForbidden(Logger, keyName);
            await AuthProblems.WriteForbiddenAsync(Context, "This API key may not perform this request.");
            return;
        }

        LogMissingScope(Logger, keyName, missingScope);
        await AuthProblems.WriteForbiddenAsync(
            Context,
            string.Format(CultureInfo.InvariantCulture, "This API key lacks the '{0}' scope.", missingScope));
    }

    private Task<AuthenticateResult> Fail(string reason)
    {
        LogRejected(Logger, reason);
        return Task.FromResult(AuthenticateResult.Fail(reason));
    }

    /// <summary>
    /// Scope policies carry the scope's name, so the endpoint's authorization metadata says which scope the
    /// caller was refused for; null when the refusal came from some other policy.
    /// </summary>
    private string? FindMissingScope()
    {
        var endpoint = Context.GetEndpoint();
        if (endpoint is null)
        {
            return null;
        }

        foreach (var data in endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>())
        {
            if (ApiScopes.IsKnown(data.Policy) && !Context.User.HasClaim(ApiClaimTypes.Scope, data.Policy!))
            {
                return data.Policy;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key {KeyName} lacks scope {Scope}")]
    private static partial void LogMissingScope(ILogger logger, string keyName, string scope);

    [LoggerMessage(Level = LogLevel.Debug, Message = "API key {KeyName} was refused by an authorization policy")]
    private static partial void LogForbidden(ILogger logger, string keyName);
}
