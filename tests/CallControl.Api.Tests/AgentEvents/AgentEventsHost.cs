using System.Net.Http.Headers;
using CallControl.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.AgentEvents;

/// <summary>
/// The real API host on Kestrel over a fresh database, like <see cref="ApiHost"/>, with a one-second heartbeat so
/// tests can see it, and keys for tenants t1 and t2. Subclasses add settings of their own.
/// </summary>
public class AgentEventsHost : IAsyncLifetime
{
    public const string Key = "events-key-t1";
    public const string OtherTenantKey = "events-key-t2";
    public const int HeartbeatSeconds = 1;

    private WebApplicationFactory<CallControl.Api.Hosting.EventStoreDatabase>? _factory;

    public PostgresDatabase Database { get; } = new();

    public IServiceProvider Services => Factory.Services;

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1");

    private WebApplicationFactory<CallControl.Api.Hosting.EventStoreDatabase> Factory =>
        _factory ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:EventStore"] = Database.ConnectionString,

            // appsettings.json names a fixed port, which two hosts of a parallel test run cannot share.
            ["Urls"] = "http://127.0.0.1:0",
            ["AgentEvents:HeartbeatSeconds"] = HeartbeatSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),

            // No media worker in the process: it would listen on the configured SIP port, which parallel hosts
            // cannot share either, and these tests play the worker's part on the bus themselves.
            ["MediaWorkers:InProcess"] = "false",
            ["MediaWorkers:HeartbeatTimeoutSeconds"] = "300",
        };
        foreach (var (key, tenant, index) in new[] { (Key, "t1", 0), (OtherTenantKey, "t2", 1) })
        {
            settings[$"Auth:ApiKeys:{index}:Key"] = key;
            settings[$"Auth:ApiKeys:{index}:Name"] = key;
            settings[$"Auth:ApiKeys:{index}:Tenant"] = tenant;
            settings[$"Auth:ApiKeys:{index}:Scopes:0"] = "calls";
            settings[$"Auth:ApiKeys:{index}:Scopes:1"] = "agents";
        }

        foreach (var (key, value) in ExtraSettings())
        {
            settings[key] = value;
        }

        _factory = new WebApplicationFactory<CallControl.Api.Hosting.EventStoreDatabase>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        var addresses = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BaseAddress = new Uri(addresses.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>An HTTP client for the host that sends <paramref name="apiKey"/> (none when null).</summary>
    public HttpClient Client(string? apiKey = Key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
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

        await Database.DisposeAsync();
    }

    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings() => [];
}

/// <summary>
/// A host that serves at most <see cref="MaxConnections"/> streams and neither polls nor sends heartbeats within a
/// test's patience: whatever reaches a stream in time came from the stream's first read or from the wake-up after
/// an append in this process.
/// </summary>
public sealed class LimitedAgentEventsHost : AgentEventsHost
{
    public const int MaxConnections = 2;

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("AgentEvents:MaxConnections", MaxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("AgentEvents:HeartbeatSeconds", "600"),
        new("AgentEvents:PollMilliseconds", "600000"),
    ];
}
