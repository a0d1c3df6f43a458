using Microsoft.AspNetCore.Mvc;

namespace CallControl.Api.Auth;

/// <summary>The contract's 401 and 403 problem documents.</summary>
internal static class AuthProblems
{
    public const string UnauthorizedType = "urn:callcontrol:problem:unauthorized";

    public const string ForbiddenType = "urn:callcontrol:problem:forbidden";

    public static Task WriteUnauthorizedAsync(HttpContext context, string detail) =>
        WriteAsync(context, new ProblemDetails
        {
            Type = UnauthorizedType,
            Title = "Unauthorized",
            Status = StatusCodes.Status401Unauthorized,
            Detail = detail,
        });

    public static Task WriteForbiddenAsync(HttpContext context, string detail) =>
        WriteAsync(context, new ProblemDetails
        {
            Type = ForbiddenType,
            Title = "Forbidden",
            Status = StatusCodes.Status403Forbidden,
            Detail = detail,
        });

    /// <summary>
    /// Goes through the problem result so a host-wide <c>AddProblemDetails</c> customization (trace ids and the
    /// like) applies to these errors too; without one it writes <c>application/problem+json</c> itself.
    /// </summary>
    private static Task WriteAsync(HttpContext context, ProblemDetails problem) =>
        context.Response.HasStarted ? Task.CompletedTask : TypedResults.Problem(problem).ExecuteAsync(context);
}
