using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallControl.Api.Observability.Metrics;

public static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static IServiceCollection AddCallControlMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton<PrometheusExposition>();
        services.TryAddSingleton(static provider =>
        {
            // Measurements made while no listener is enabled are lost, so the exposition listens before any
            // instrument can record.
            provider.GetRequiredService<PrometheusExposition>();
            return new CallControlMetrics(provider.GetRequiredService<IMeterFactory>());
        });
        return services;
    }

    /// <summary><c>GET /metrics</c>: anonymous, like the health endpoints, and not part of the documented API.</summary>
    public static IEndpointRouteBuilder MapCallControlMetrics(this IEndpointRouteBuilder endpoints)
    {
        // Listening starts now rather than at the first scrape, so instruments used directly by other components
        // count from the start too, and every contract family is listed even before anything was recorded.
        endpoints.ServiceProvider.GetRequiredService<CallControlMetrics>();
        endpoints.MapGet(Path, GetMetrics).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult GetMetrics(PrometheusExposition exposition) =>
        TypedResults.Text(exposition.Collect(), PrometheusExposition.ContentType);
}
