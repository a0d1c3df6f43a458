using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CallControl.Api.Observability.OpenApi;

/// <summary>
/// Declares the API key as an HTTP bearer scheme and marks every operation that is not explicitly anonymous as
/// needing it, with the 401 and 403 problems that follow from that.
/// </summary>
internal sealed class ApiKeySecurity : IOpenApiOperationTransformer
{
    public const string SchemeId = "ApiKey";

    public static void AddTo(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
        document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "API key",
            Description = "`Authorization: Bearer <api key>`. Each key belongs to one tenant and carries the scopes "
                + "`calls`, `agents` and/or `webhooks`.",
        };
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (IsAnonymous(context.Description.ActionDescriptor.EndpointMetadata))
        {
            return Task.CompletedTask;
        }

        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [],
        });
        operation.Responses ??= [];
        operation.Responses.TryAdd("401", ProblemSchemas.Response(context.Document, "The API key is missing or not valid."));
        operation.Responses.TryAdd("403", ProblemSchemas.Response(context.Document, "The API key does not carry the scope this operation needs."));
        return Task.CompletedTask;
    }

    private static bool IsAnonymous(IList<object> metadata)
    {
        foreach (var item in metadata)
        {
            if (item is IAllowAnonymous)
            {
                return true;
            }
        }

        return false;
    }
}
