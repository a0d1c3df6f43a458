namespace CallControl.Api.Auth;

/// <summary>
/// Builds the <see cref="ApiKeyStore"/> while the host starts, so a bad <c>Auth</c> section stops startup instead
/// of failing the first request, and says loudly when the well-known development key is open.
/// </summary>
internal sealed partial class ApiKeyStartupCheck : IHostedService
{
    private readonly ApiKeyStore _store;
    private readonly ILogger<ApiKeyStartupCheck> _logger;

    public ApiKeyStartupCheck(ApiKeyStore store, ILogger<ApiKeyStartupCheck> logger)
    {
        _store = store;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_store.IsDevelopmentKeyActive)
        {
            LogDevelopmentKeyActive(_logger, ApiKeyStore.DevelopmentKey, ApiKeyStore.DevelopmentTenant);
        }
        else
        {
            LogKeysLoaded(_logger, _store.Count);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "No API keys are configured (Auth:ApiKeys): the development key '{DevelopmentKey}' is accepted for tenant '{Tenant}' with all scopes. Configure keys before exposing this service.")]
    private static partial void LogDevelopmentKeyActive(ILogger logger, string developmentKey, string tenant);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} API keys configured")]
    private static partial void LogKeysLoaded(ILogger logger, int count);
}
