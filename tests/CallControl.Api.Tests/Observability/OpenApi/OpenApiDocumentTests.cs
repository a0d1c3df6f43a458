using System.Net;
using System.Text.Json;
using CallControl.Api.Observability.Metrics;
using CallControl.Api.Observability.OpenApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Observability.OpenApi;

public sealed class OpenApiDocumentTests
{
    // Written out rather than taken from ProblemTypes, so a change there has to be a change of contract.
    // The contract's nine, plus the documented extensions busy, unavailable and internal.
    private static readonly string[] ContractProblemTypes =
    [
        "urn:callcontrol:problem:validation",
        "urn:callcontrol:problem:not-found",
        "urn:callcontrol:problem:invalid-state",
        "urn:callcontrol:problem:version-mismatch",
        "urn:callcontrol:problem:idempotency-conflict",
        "urn:callcontrol:problem:media-failure",
        "urn:callcontrol:problem:unauthorized",
        "urn:callcontrol:problem:forbidden",
        "urn:callcontrol:problem:payload-too-large",
        "urn:callcontrol:problem:busy",
        "urn:callcontrol:problem:unavailable",
        "urn:callcontrol:problem:internal",
    ];

    [Fact]
    public async Task TheDocumentNamesTheApiAndDeclaresTheApiKeyScheme()
    {
        await using var host = await StartAsync(withUndocumentedRoute: false);

        using var document = await GetDocumentAsync(host);

        var info = document.RootElement.GetProperty("info");
        info.GetProperty("title").GetString().ShouldBe("CallControl API");
        info.GetProperty("version").GetString().ShouldBe("v1");
        info.GetProperty("description").GetString().ShouldNotBeNullOrWhiteSpace();
        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
    }

    [Fact]
    public async Task ProblemDetailsListsEveryContractProblemTypeAndEndpointsReferToIt()
    {
        await using var host = await StartAsync(withUndocumentedRoute: false);

        using var document = await GetDocumentAsync(host);

        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var problemType = schemas.GetProperty("ProblemType");
        problemType.GetProperty("type").GetString().ShouldBe("string");
        problemType.GetProperty("enum").EnumerateArray().Select(value => value.GetString()).ShouldBe(ContractProblemTypes, ignoreOrder: true);
        var problem = schemas.GetProperty("ProblemDetails");
        problem.GetProperty("properties").GetProperty("type").GetProperty("$ref").GetString().ShouldBe("#/components/schemas/ProblemType");
        problem.GetProperty("properties").GetProperty("errors").GetProperty("additionalProperties").GetProperty("type").GetString().ShouldBe("array");
        problem.GetProperty("required").EnumerateArray().Select(value => value.GetString()).ShouldBe(["type", "title", "status"], ignoreOrder: true);
        var notFound = Operation(document, "/api/v1/things/{thingId}", "get").GetProperty("responses").GetProperty("404");
        notFound.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString()
            .ShouldBe("#/components/schemas/ProblemDetails");
    }

    [Fact]
    public async Task OperationsNeedTheApiKeyUnlessTheyAreAnonymous()
    {
        await using var host = await StartAsync(withUndocumentedRoute: false);

        using var document = await GetDocumentAsync(host);

        var secured = Operation(document, "/api/v1/things/{thingId}", "get");
        secured.GetProperty("security").EnumerateArray().Single().TryGetProperty("ApiKey", out _).ShouldBeTrue();
        secured.GetProperty("responses").GetProperty("401").GetProperty("content").GetProperty("application/problem+json")
            .GetProperty("schema").GetProperty("$ref").GetString().ShouldBe("#/components/schemas/ProblemDetails");
        secured.GetProperty("responses").TryGetProperty("403", out _).ShouldBeTrue();
        var anonymous = Operation(document, "/api/v1/status", "get");
        anonymous.TryGetProperty("security", out _).ShouldBeFalse();
        anonymous.GetProperty("responses").TryGetProperty("401", out _).ShouldBeFalse();
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(path => path.Name).ToList();
        paths.ShouldNotContain("/metrics");
        paths.ShouldNotContain(path => path.StartsWith("/openapi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RouteCoverageFailsNamingTheRouteLeftOutOfTheDocument()
    {
        await using var host = await StartAsync(withUndocumentedRoute: true);
        using var document = await GetDocumentAsync(host);

        var failure = Assert.Throws<Xunit.Sdk.FailException>(
            () => OpenApiRouteCoverage.AssertEveryRouteIsDocumented(host.DataSources, document));

        failure.Message.ShouldContain("DELETE /api/v1/things/{thingId} (route /api/v1/things/{thingId:int})");
        OpenApiRouteCoverage.FindUndocumentedRoutes(host.DataSources, document)
            .ShouldBe(["DELETE /api/v1/things/{thingId} (route /api/v1/things/{thingId:int})"]);
    }

    [Fact]
    public async Task RouteCoveragePassesWhenEveryApiRouteIsDocumented()
    {
        await using var host = await StartAsync(withUndocumentedRoute: false);
        using var document = await GetDocumentAsync(host);

        OpenApiRouteCoverage.FindUndocumentedRoutes(host.DataSources, document).ShouldBeEmpty();
        OpenApiRouteCoverage.AssertEveryRouteIsDocumented(host.DataSources, document);
    }

    private static Task<KestrelTestApp> StartAsync(bool withUndocumentedRoute) =>
        KestrelTestApp.StartAsync(
            services => services.AddCallControlOpenApi().AddCallControlMetrics(),
            app =>
            {
                app.MapGet("/api/v1/things/{thingId}", GetThing).ProducesProblem(StatusCodes.Status404NotFound);
                app.MapGet("/api/v1/status", () => TypedResults.Ok("up")).AllowAnonymous();
                app.MapGet("/health/live", () => TypedResults.Ok());
                if (withUndocumentedRoute)
                {
                    app.MapDelete("/api/v1/things/{thingId:int}", (int thingId) => TypedResults.NoContent()).ExcludeFromDescription();
                }

                app.MapCallControlMetrics();
                app.MapCallControlOpenApi();
            });

    private static IResult GetThing(string thingId) => TypedResults.Ok(new Thing(thingId));

    private static async Task<JsonDocument> GetDocumentAsync(KestrelTestApp host)
    {
        using var response = await host.Client.GetAsync("/openapi/v1.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static JsonElement Operation(JsonDocument document, string path, string method) =>
        document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

    private sealed record Thing(string Id);
}
