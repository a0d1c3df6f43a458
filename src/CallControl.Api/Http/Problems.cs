using Microsoft.AspNetCore.Http.HttpResults;

namespace CallControl.Api.Http;

/// <summary>
/// The one place that turns outcomes into RFC 9457 problems: <c>type</c> is <c>urn:callcontrol:problem:&lt;code&gt;</c>.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:callcontrol:problem:";

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors)
        {
            Type = TypePrefix + "validation",
            Title = "The request is not valid.",
            Status = StatusCodes.Status400BadRequest,
            Detail = "See errors for each field.",
        });

    public static ProblemHttpResult Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static ProblemHttpResult NotFound(string detail) => Create(StatusCodes.Status404NotFound, "not-found", "Not found.", detail);

    public static ProblemHttpResult InvalidState(string detail) =>
        Create(StatusCodes.Status409Conflict, "invalid-state", "The command does not apply in the current state.", detail);

    public static ProblemHttpResult VersionMismatch(long expected, long actual) =>
        Create(StatusCodes.Status412PreconditionFailed, "version-mismatch", "The conversation has moved on.",
            $"If-Match asked for version {expected}; the conversation is at version {actual}.");

    public static ProblemHttpResult IdempotencyConflict(string key) =>
        Create(StatusCodes.Status422UnprocessableEntity, "idempotency-conflict", "The idempotency key was used with another request.",
            $"Idempotency-Key '{key}' was first used with a different request; use a new key for a new request.");

    public static ProblemHttpResult MediaFailure(string detail) =>
        Create(StatusCodes.Status502BadGateway, "media-failure", "The media layer could not carry out the command.", detail);

    /// <summary>An extension of the contract: the conversation changed under the command too often to get a word in.</summary>
    public static ProblemHttpResult Busy(string conversationId, int attempts) =>
        Create(StatusCodes.Status503ServiceUnavailable, "busy", "The conversation is too busy right now.",
            $"Conversation {conversationId} changed under this command {attempts} times in a row; send it again.");

    public static ProblemHttpResult PayloadTooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large.", $"Bodies are limited to {limit} bytes.");

    public static ProblemHttpResult Create(int status, string code, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + code);
}
