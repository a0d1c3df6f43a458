using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace CallControl.Api.Observability.OpenApi;

/// <summary>The RFC 9457 problem shape and its closed list of <c>type</c> values, as OpenAPI components.</summary>
internal static class ProblemSchemas
{
    public const string ProblemDetailsId = "ProblemDetails";
    public const string ProblemTypeId = "ProblemType";
    public const string MediaType = "application/problem+json";

    // The id ASP.NET Core gives the validation problem type when an endpoint declares one.
    private const string GeneratedValidationProblemId = "HttpValidationProblemDetails";

    public static void AddTo(OpenApiDocument document)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        var schemas = document.Components.Schemas;
        schemas[ProblemTypeId] = ProblemType();
        schemas[ProblemDetailsId] = ProblemDetails(document);

        // Endpoints that declare a validation problem refer to the generated schema, whose type is any string; the
        // contract's shape says more, so it takes that place too.
        if (schemas.ContainsKey(GeneratedValidationProblemId))
        {
            schemas[GeneratedValidationProblemId] = ProblemDetails(document);
        }
    }

    public static OpenApiResponse Response(OpenApiDocument? document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
        {
            [MediaType] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemDetailsId, document) },
        },
    };

    private static OpenApiSchema ProblemType()
    {
        var description = new StringBuilder("The kind of problem. Clients branch on this value, never on the title:");
        var values = new List<JsonNode>();
        foreach (var type in ProblemTypes.All)
        {
            values.Add(JsonValue.Create(type.Uri));
            description.Append(CultureInfo.InvariantCulture, $"\n- `{type.Uri}` ({type.Status}): {type.Title}.");
        }

        return new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Format = "uri",
            Enum = values,
            Description = description.ToString(),
        };
    }

    private static OpenApiSchema ProblemDetails(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem, sent as application/problem+json with every 4xx and 5xx answer.",
        Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchemaReference(ProblemTypeId, document),
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary that is the same for every occurrence of the type." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code of the answer." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong this time, such as the participant's current state." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", Description = "The request the problem is about." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Validation problems only: the messages for each invalid field, by field name.",
                AdditionalProperties = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
        },
    };
}
