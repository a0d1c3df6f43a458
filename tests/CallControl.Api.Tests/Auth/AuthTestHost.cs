using System.Collections.Concurrent;
using System.Security.Claims;
using CallControl.Api.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallControl.Api.Tests.Auth;

/// <summary>
/// A real Kestrel host on a free loopback port with only the auth wiring and two probes that answer the
/// caller's tenant: <c>/probe/calls</c> (endpoint requiring <c>calls</c>) and <c>/probe/webhooks</c>
/// (a route group requiring <c>webhooks</c>).
/// </summary>
internal sealed class AuthTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AuthTestHost(WebApplication app, Uri baseAddress, CapturedLogs logs)
    {
        _app = app;
        Logs = logs;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    public CapturedLogs Logs { get; }

    /// <summary>Builds the host; call <see cref="StartAsync"/> on the result to serve.</summary>
    public static WebApplication Build(string environment, IReadOnlyDictionary<string, string?> settings, CapturedLogs logs)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });

        // Only the test's settings: the service's appsettings files and the machine's environment must not leak keys in.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);

        builder.Services.AddCallControlAuth(builder.Configuration, builder.Environment);

        var app = builder.Build();
        app.UseCallControlAuth();
        app.MapGet("/probe/calls", (HttpContext context) => context.GetTenantId())
            .RequireScope(ApiScopes.Calls);
        app.MapGroup("/probe/webhooks")
            .RequireScope(ApiScopes.Webhooks)
            .MapGet("/", (ClaimsPrincipal user) => user.GetTenantId());
        return app;
    }

    public static async Task<AuthTestHost> StartAsync(string environment, IReadOnlyDictionary<string, string?> settings)
    {
        var logs = new CapturedLogs();
        var app = Build(environment, settings, logs);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new AuthTestHost(app, new Uri(address), logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Every log line the host writes, at every level, to check what is (and is never) logged.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Message)> _entries = new();

    public IReadOnlyCollection<(LogLevel Level, string Category, string Message)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " " + string.Join(" ", values.Select(value => $"{value.Key}={value.Value}"));
            }

            owner._entries.Enqueue((logLevel, category, exception is null ? text : text + " " + exception));
        }
    }
}
