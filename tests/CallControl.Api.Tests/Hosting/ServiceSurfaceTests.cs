using System.Net;
using System.Text.Json;
using CallControl.Api.Tests.Observability.OpenApi;
using CallControl.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Hosting;

public sealed class ServiceSurfaceTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _host;

    public ServiceSurfaceTests(ApiHost host) => _host = host;

    [Fact]
    public async Task EveryMappedRouteIsInTheOpenApiDocument()
    {
        using var client = _host.Client(apiKey: null);
        var response = await client.GetAsync("/openapi/v1.json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        OpenApiRouteCoverage.AssertEveryRouteIsDocumented([_host.Services.GetRequiredService<EndpointDataSource>()], document);
        document.RootElement.GetProperty("paths").EnumerateObject().Count().ShouldBeGreaterThanOrEqualTo(15);
    }

    [Fact]
    public async Task MetricsCountCommandsByTypeAndOutcome()
    {
        using var client = _host.Client();
        (await client.PostAsync("/api/v1/conversations/missing-conversation/end", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var anonymous = _host.Client(apiKey: null);
        var metrics = await anonymous.GetStringAsync("/metrics");

        metrics.ShouldContain("callcontrol_commands_total{command=\"EndConversation\",outcome=\"not-found\"} 1");
        metrics.ShouldContain("callcontrol_command_duration_seconds_count{command=\"EndConversation\"} 1");
        metrics.ShouldContain("callcontrol_subscription_lag_seconds{subscription=\"webhook-fanout\"}");
    }
}
