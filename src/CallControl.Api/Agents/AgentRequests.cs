using CallControl.Api.Http;
using CallControl.Domain.Agents;
using FluentValidation;

namespace CallControl.Api.Agents;

/// <summary>The body of <c>PUT /api/v1/agents/{agentId}</c>.</summary>
public sealed record PutAgentRequest(string? DisplayName, StationRequest? Station, bool AutoAnswer = false);

public sealed record StationRequest(string? Uri, int LineAppearances = 1);

public sealed class PutAgentRequestValidator : AbstractValidator<PutAgentRequest>
{
    public const int MaxLineAppearances = 8;

    public PutAgentRequestValidator()
    {
        RuleFor(r => r.DisplayName).NotEmpty().NameRule();
        RuleFor(r => r.Station).NotNull().WithMessage("A station {uri, lineAppearances} is required.");
        When(r => r.Station is not null, () =>
        {
            RuleFor(r => r.Station!.Uri).SipUriRule().OverridePropertyName("station.uri");
            RuleFor(r => r.Station!.LineAppearances).InclusiveBetween(1, MaxLineAppearances).OverridePropertyName("station.lineAppearances");
        });
    }
}

/// <summary>An agent as the API shows it.</summary>
public sealed record AgentView(string AgentId, string DisplayName, StationView Station, bool AutoAnswer, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record StationView(string Uri, int LineAppearances);

public static class AgentIds
{
    /// <summary>Path ids are checked before anything is read, so a malformed one is a 400, not a 404.</summary>
    public static bool IsValid(string agentId) => AgentId.TryParse(agentId, out _);
}
