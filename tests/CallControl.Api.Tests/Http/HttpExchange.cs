using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CallControl.Api.Tests.Http;

/// <summary>Requests with raw bodies and the contract's headers, and assertions on what comes back.</summary>
internal static class HttpExchange
{
    public const string ProblemPrefix = "urn:callcontrol:problem:";

    /// <summary>Sends <paramref name="json"/> byte for byte (null: no body at all).</summary>
    public static async Task<HttpResponseMessage> SendAsync(
        this HttpClient client,
        HttpMethod method,
        string path,
        string? json = null,
        string? ifMatch = null,
        string? idempotencyKey = null,
        string? prefer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        if (prefer is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostAsync(
        this HttpClient client, string path, string? json = null, string? ifMatch = null, string? idempotencyKey = null, string? prefer = null) =>
        client.SendAsync(HttpMethod.Post, path, json, ifMatch, idempotencyKey, prefer);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with the contract's type for <paramref name="code"/>; returns it.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, text);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        using var document = JsonDocument.Parse(text);
        var problem = document.RootElement.Clone();
        problem.GetProperty("type").GetString().ShouldBe(ProblemPrefix + code, text);
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        return problem;
    }

    /// <summary>A 400 <c>validation</c> problem whose <c>errors</c> name <paramref name="field"/>.</summary>
    public static async Task<JsonElement> ShouldBeValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "validation");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        fields.ShouldContain(field, $"errors named {string.Join(", ", fields)}");
        problem.GetProperty("errors").GetProperty(field).EnumerateArray().ShouldNotBeEmpty();
        return problem;
    }

    /// <summary>
    /// The problem with what legitimately differs between two requests taken out (the trace id, and the
    /// id the caller asked for), so two answers can be compared for what they reveal.
    /// </summary>
    public static string Normalized(this JsonElement problem, string requestedId)
    {
        var node = JsonNode.Parse(problem.GetRawText())!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString().Replace(requestedId, "{id}", StringComparison.Ordinal);
    }

    public static string Quoted(long version) => $"\"{version}\"";
}
