using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallControl.Api.Tests.Observability;

/// <summary>A small web application on a real Kestrel socket (an ephemeral loopback port) for endpoint tests.</summary>
internal sealed class KestrelTestApp : IAsyncDisposable
{
    private KestrelTestApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public IEnumerable<EndpointDataSource> DataSources => ((IEndpointRouteBuilder)App).DataSources;

    public static async Task<KestrelTestApp> StartAsync(Action<IServiceCollection> configureServices, Action<WebApplication> mapEndpoints)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configureServices(builder.Services);
        var app = builder.Build();
        mapEndpoints(app);
        await app.StartAsync();
        return new KestrelTestApp(app, new Uri(app.Urls.Single()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
