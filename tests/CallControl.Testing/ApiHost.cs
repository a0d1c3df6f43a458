using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Xunit;

namespace CallControl.Testing;

/// <summary>
/// The real API host on Kestrel (loopback, a free port) over a fresh database, with API keys for two
/// tenants and single-scope keys; one per test class (<c>IClassFixture&lt;ApiHost&gt;</c>). Tests talk
/// HTTP to it and may reach its services (the bus, to publish media facts as the worker will).
/// </summary>
public class ApiHost : IAsyncLifetime
{
    /// <summary>Tenant t1, every scope.</summary>
    public const string Key = "test-key-t1-all";

    /// <summary>Tenant t1, only the <c>calls</c> scope.</summary>
    public const string CallsOnlyKey = "test-key-t1-calls";

    /// <summary>Tenant t1, only the <c>agents</c> scope.</summary>
    public const string AgentsOnlyKey = "test-key-t1-agents";

    /// <summary>Tenant t2, every scope.</summary>
    public const string OtherTenantKey = "test-key-t2-all";

    private WebApplicationFactory<CallControl.Api.Hosting.EventStoreDatabase>? _factory;
    private IReadOnlyDictionary<string, string>? _settings;
    private bool _ownsDatabase = true;

    public PostgresDatabase Database { get; private set; } = new();

    public IServiceProvider Services => Factory.Services;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1");

    private WebApplicationFactory<CallControl.Api.Hosting.EventStoreDatabase> Factory => _factory ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>Settings a test class adds or overrides (a subclass used as the fixture).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    /// <summary>Changes a test class makes to the host's services once the service's own are registered (a subclass used as the fixture).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Starts a host over an existing database (e.g. a second instance, or one started after another stopped).</summary>
    public static async Task<ApiHost> StartAsync(PostgresDatabase database, IReadOnlyDictionary<string, string> settings)
    {
        var host = new ApiHost { Database = database, _settings = settings, _ownsDatabase = false };
        await host.InitializeAsync();
        return host;
    }

    public async Task InitializeAsync()
    {
        if (_ownsDatabase)
        {
            await Database.InitializeAsync();
        }

        var keys = new (string Key, string Tenant, string[] Scopes)[]
        {
            (Key, "t1", ["calls", "agents", "webhooks"]),
            (CallsOnlyKey, "t1", ["calls"]),
            (AgentsOnlyKey, "t1", ["agents"]),
            (OtherTenantKey, "t2", ["calls", "agents", "webhooks"]),
        };
        _factory = new WebApplicationFactory<CallControl.Api.Hosting.EventStoreDatabase>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Production");
            // A free loopback port per host: the appsettings address (5080) would clash between test classes.
            host.UseSetting("Urls", "http://127.0.0.1:0");
            host.UseSetting("ConnectionStrings:EventStore", Database.ConnectionString);
            // No media worker runs here: tests publish its facts on the bus themselves, and conversations
            // without a worker are left alone far longer than a test lasts.
            host.UseSetting("MediaWorkers:InProcess", "false");
            host.UseSetting("MediaWorkers:HeartbeatTimeoutSeconds", "300");
            for (var i = 0; i < keys.Length; i++)
            {
                host.UseSetting($"Auth:ApiKeys:{i}:Key", keys[i].Key);
                host.UseSetting($"Auth:ApiKeys:{i}:Name", keys[i].Key);
                host.UseSetting($"Auth:ApiKeys:{i}:Tenant", keys[i].Tenant);
                for (var s = 0; s < keys[i].Scopes.Length; s++)
                {
                    host.UseSetting($"Auth:ApiKeys:{i}:Scopes:{s}", keys[i].Scopes[s]);
                }
            }

            foreach (var (key, value) in _settings ?? Settings)
            {
                host.UseSetting(key, value);
            }

            host.ConfigureTestServices(ConfigureServices);
        });
        _factory.UseKestrel();
        _factory.StartServer();
        // Port 0 lets the system pick: the bound address is known only from the server itself.
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        await Task.CompletedTask;
    }

    /// <summary>An HTTP client for the host that sends <paramref name="apiKey"/> (none when null).</summary>
    public HttpClient Client(string? apiKey = Key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }
}
