using System.Globalization;
using CallControl.Api.Auth;
using CallControl.Api.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallControl.Api.Http;

/// <summary>The contract's optional command headers: <c>If-Match</c>, <c>Idempotency-Key</c>, <c>Prefer: wait</c>.</summary>
public static class CommandHeaders
{
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>The longest <c>Prefer: wait</c> honoured; larger values wait this long.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    /// <summary>Reads the headers into options, or a 400 problem naming the bad header.</summary>
    public static bool TryRead<TBody>(HttpContext context, TBody body, out CommandOptions options, out ProblemHttpResult? problem)
    {
        var request = context.Request;
        options = new CommandOptions(context.GetTenantId(), ActorOf(context));
        problem = null;

        if (request.Headers.IfMatch.Count > 0)
        {
            if (!TryReadIfMatch(request.Headers.IfMatch.ToString().Trim(), out var version))
            {
                problem = Problems.Validation("If-Match", "If-Match must be a conversation version in quotes, e.g. \"6\", or *.");
                return false;
            }

            options = options with { IfMatch = version };
        }

        if (request.Headers.TryGetValue("Idempotency-Key", out var keys))
        {
            var key = keys.ToString();
            if (keys.Count != 1 || key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(char.IsControl))
            {
                problem = Problems.Validation("Idempotency-Key", $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} printable characters.");
                return false;
            }

            options = options with { Idempotency = IdempotencyRequest.For(key, request.Method, request.Path.Value ?? string.Empty, body) };
        }

        if (TryReadWait(request, out var wait, out var waitProblem))
        {
            options = options with { Wait = wait };
        }
        else if (waitProblem is not null)
        {
            problem = waitProblem;
            return false;
        }

        return true;
    }

    /// <summary>A quoted version (weak tags accepted), or <c>*</c>: any version will do (RFC 9110), which leaves <paramref name="version"/> null.</summary>
    private static bool TryReadIfMatch(string raw, out long? version)
    {
        version = null;
        if (raw == "*")
        {
            return true;
        }

        var value = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
        if (value.Length < 3 || value[0] != '"' || value[^1] != '"'
            || !long.TryParse(value.AsSpan(1, value.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        version = parsed;
        return true;
    }

    private static bool TryReadWait(HttpRequest request, out TimeSpan wait, out ProblemHttpResult? problem)
    {
        wait = TimeSpan.Zero;
        problem = null;
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var preference in (header ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!preference.StartsWith("wait=", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (!int.TryParse(preference.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
                {
                    problem = Problems.Validation("Prefer", "Prefer: wait takes whole seconds, e.g. wait=5.");
                    return false;
                }

                wait = TimeSpan.FromSeconds(Math.Min(seconds, MaxWait.TotalSeconds));
                return seconds > 0;
            }
        }

        return false;
    }

    private static string ActorOf(HttpContext context) =>
        "api-key:" + (context.User.FindFirst(ApiClaimTypes.KeyName)?.Value ?? "unknown");
}
