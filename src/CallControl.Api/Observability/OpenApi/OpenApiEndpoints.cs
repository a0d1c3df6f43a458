using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CallControl.Api.Observability.OpenApi;

public static class OpenApiEndpoints
{
    public const string DocumentName = "v1";
    public const string Pattern = "/openapi/{documentName}.json";

    public static IServiceCollection AddCallControlOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer(DescribeDocument);
            options.AddOperationTransformer(new ApiKeySecurity());
        });
        return services;
    }

    /// <summary>
    /// <c>GET /openapi/v1.json</c>. Anonymous: the document describes the contract, which is public, and a client
    /// needs it before it has a key.
    /// </summary>
    public static IEndpointRouteBuilder MapCallControlOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(Pattern).AllowAnonymous();
        return endpoints;
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info ??= new OpenApiInfo();
        document.Info.Title = "CallControl API";
        document.Info.Version = DocumentName;
        document.Info.Description =
            "Controls live calls for agent desktops and CRM systems: conversations and their participants (hold, "
            + "mute, transfer, DTMF, end), agents and their stations, and signed webhooks. Commands answer 202 and "
            + "change state once the media layer confirms; errors are RFC 9457 problems whose `type` is one of "
            + "`ProblemType`.";
        ApiKeySecurity.AddTo(document);
        ProblemSchemas.AddTo(document);
        return Task.CompletedTask;
    }
}
