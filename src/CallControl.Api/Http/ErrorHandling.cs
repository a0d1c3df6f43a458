using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Json;

namespace CallControl.Api.Http;

/// <summary>
/// Bad input never reaches a handler as an exception and never answers 500: unreadable JSON and wrong types
/// are 400 <c>validation</c> naming the field, bodies over <see cref="MaxBodyBytes"/> are 413.
/// </summary>
public static partial class ErrorHandling
{
    public const long MaxBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddCallControlHttp(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            options.SerializerOptions.AllowTrailingCommas = false;
            // Wrong types are errors: "2" is not a number.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static IApplicationBuilder UseCallControlErrors(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);

                // Kestrel's body limit can be answered by the framework before any handler runs: give it the problem body.
                if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
                {
                    await Problems.PayloadTooLarge(MaxBodyBytes).ExecuteAsync(context);
                }
            }
            catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
            {
                var problem = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? Problems.PayloadTooLarge(MaxBodyBytes)
                    : Problems.Validation(FieldOf(ex), MessageOf(ex));
                await problem.ExecuteAsync(context);
            }
            catch (Exception ex) when (!context.Response.HasStarted && ex is not OperationCanceledException)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CallControl.Http")
                    .LogError(ex, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
                await Problems.Create(StatusCodes.Status500InternalServerError, "internal", "Something went wrong on our side.",
                    "The error was logged; the request may be retried.").ExecuteAsync(context);
            }
        });

    private static string FieldOf(BadHttpRequestException ex) => ex.InnerException switch
    {
        JsonException { Path: { Length: > 2 } path } => path.TrimStart('$', '.'),
        _ when BoundParameter().Match(ex.Message) is { Success: true } bound => bound.Groups[1].Value,
        _ => "body",
    };

    private static string MessageOf(BadHttpRequestException ex) => ex.InnerException switch
    {
        _ when BoundParameter().IsMatch(ex.Message) => "The value is not of the expected type.",
        JsonException { Path: { Length: > 2 } } => "The value is missing, malformed or of the wrong type.",
        JsonException => "The body is not valid JSON.",
        _ when ex.StatusCode == StatusCodes.Status415UnsupportedMediaType => "The body must be application/json.",
        _ => "The body is missing or is not valid JSON.",
    };

    // The framework names a query or route value it could not convert: Failed to bind parameter "int? limit" from "ten".
    [GeneratedRegex("""Failed to bind parameter "(?:[^"]* )?([A-Za-z0-9_]+)" from""", RegexOptions.CultureInvariant)]
    private static partial Regex BoundParameter();
}
