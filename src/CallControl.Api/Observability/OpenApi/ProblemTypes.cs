namespace CallControl.Api.Observability.OpenApi;

/// <summary>A problem <c>type</c> of the contract, with the status it is always sent with.</summary>
public sealed record ProblemType(string Code, int Status, string Title)
{
    public const string Prefix = "urn:callcontrol:problem:";

    public string Uri => Prefix + Code;
}

/// <summary>Every problem <c>type</c> the API answers with; the OpenAPI document lists exactly these.</summary>
public static class ProblemTypes
{
    public static readonly ProblemType Validation = new("validation", 400, "The request is not valid");
    public static readonly ProblemType Unauthorized = new("unauthorized", 401, "No valid API key");
    public static readonly ProblemType Forbidden = new("forbidden", 403, "The API key lacks the scope");
    public static readonly ProblemType NotFound = new("not-found", 404, "No such resource");
    public static readonly ProblemType InvalidState = new("invalid-state", 409, "Not possible in the current state");
    public static readonly ProblemType VersionMismatch = new("version-mismatch", 412, "The conversation has moved on");
    public static readonly ProblemType PayloadTooLarge = new("payload-too-large", 413, "The body is larger than 64 KiB");
    public static readonly ProblemType IdempotencyConflict = new("idempotency-conflict", 422, "Idempotency key reused with another body");
    public static readonly ProblemType MediaFailure = new("media-failure", 502, "The media layer could not carry out the change");

    // Extensions of the contract: the service is there but cannot take this request now; both send Retry-After or say to retry.
    public static readonly ProblemType Busy = new("busy", 503, "The conversation changed under the command too often");
    public static readonly ProblemType Unavailable = new("unavailable", 503, "The service has no room for this request now");
    public static readonly ProblemType Internal = new("internal", 500, "Something went wrong on our side");

    public static IReadOnlyList<ProblemType> All { get; } =
    [
        Validation,
        Unauthorized,
        Forbidden,
        NotFound,
        InvalidState,
        VersionMismatch,
        PayloadTooLarge,
        IdempotencyConflict,
        MediaFailure,
        Busy,
        Unavailable,
        Internal,
    ];
}
