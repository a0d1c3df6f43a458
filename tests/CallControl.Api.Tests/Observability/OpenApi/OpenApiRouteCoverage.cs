using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace CallControl.Api.Tests.Observability.OpenApi;

/// <summary>
/// Compares what a host maps with what its OpenAPI document lists, so an endpoint cannot be added without being
/// documented. Operational routes (<c>/metrics</c>, <c>/health/*</c>, <c>/openapi/*</c>) are not part of the API.
/// </summary>
public static class OpenApiRouteCoverage
{
    private static readonly string[] DocumentedMethods = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];

    public static void AssertEveryRouteIsDocumented(IEnumerable<EndpointDataSource> dataSources, JsonDocument openApi)
    {
        var missing = FindUndocumentedRoutes(dataSources, openApi);
        if (missing.Count > 0)
        {
            Assert.Fail("Mapped but missing from the OpenAPI document:\n  " + string.Join("\n  ", missing));
        }
    }

    /// <summary>Each undocumented route as <c>METHOD /path</c> (and the route template when it differs).</summary>
    public static IReadOnlyList<string> FindUndocumentedRoutes(IEnumerable<EndpointDataSource> dataSources, JsonDocument openApi)
    {
        ArgumentNullException.ThrowIfNull(dataSources);
        ArgumentNullException.ThrowIfNull(openApi);
        var documented = DocumentedOperations(openApi);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in dataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>())
        {
            var path = DocumentPath(endpoint.RoutePattern);
            if (IsOperational(path))
            {
                continue;
            }

            var template = endpoint.RoutePattern.RawText is { } raw && "/" + raw.TrimStart('/') != path ? $" (route {raw})" : string.Empty;
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is null || methods.Count == 0)
            {
                // A route for every method cannot be written as OpenAPI operations; it counts only if its path is there.
                if (!documented.Any(operation => operation.EndsWith(" " + path, StringComparison.Ordinal)))
                {
                    missing.Add($"* {path}{template}");
                }

                continue;
            }

            foreach (var method in methods)
            {
                if (!documented.Contains($"{method.ToUpperInvariant()} {path}"))
                {
                    missing.Add($"{method.ToUpperInvariant()} {path}{template}");
                }
            }
        }

        return [.. missing];
    }

    private static bool IsOperational(string path) =>
        path == "/metrics"
        || path.StartsWith("/health/", StringComparison.Ordinal)
        || path.StartsWith("/openapi/", StringComparison.Ordinal);

    private static HashSet<string> DocumentedOperations(JsonDocument openApi)
    {
        var operations = new HashSet<string>(StringComparer.Ordinal);
        if (!openApi.RootElement.TryGetProperty("paths", out var paths))
        {
            return operations;
        }

        foreach (var path in paths.EnumerateObject())
        {
            foreach (var method in DocumentedMethods)
            {
                if (path.Value.TryGetProperty(method.ToLowerInvariant(), out _))
                {
                    operations.Add($"{method} {path.Name}");
                }
            }
        }

        return operations;
    }

    /// <summary>The path as OpenAPI writes it: parameters by name only, without constraints, defaults or markers.</summary>
    private static string DocumentPath(RoutePattern pattern)
    {
        var path = new StringBuilder();
        foreach (var segment in pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                switch (part)
                {
                    case RoutePatternLiteralPart literal:
                        path.Append(literal.Content);
                        break;
                    case RoutePatternSeparatorPart separator:
                        path.Append(separator.Content);
                        break;
                    case RoutePatternParameterPart parameter:
                        path.Append('{').Append(parameter.Name).Append('}');
                        break;
                }
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }
}
