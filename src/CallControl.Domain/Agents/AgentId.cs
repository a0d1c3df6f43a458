using System.Text.Json.Serialization;

namespace CallControl.Domain.Agents;

/// <summary>Chosen by the caller, so it is the one id that is parsed rather than generated.</summary>
[JsonConverter(typeof(AgentIdJsonConverter))]
public readonly record struct AgentId(string Value)
{
    public const int MaxLength = 64;

    public override string ToString() => Value;

    /// <summary>Accepts <c>^[A-Za-z0-9._-]{1,64}$</c>.</summary>
    public static bool TryParse(string? text, out AgentId agentId)
    {
        agentId = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }

        agentId = new AgentId(text);
        return true;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}

public sealed class AgentIdJsonConverter : StringIdJsonConverter<AgentId>
{
    protected override AgentId Wrap(string value) => new(value);

    protected override string Unwrap(AgentId id) => id.Value;
}
