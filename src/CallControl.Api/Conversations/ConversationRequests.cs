using CallControl.Api.Http;
using CallControl.Domain.Agents;
using CallControl.Domain.Conversations;
using FluentValidation;

namespace CallControl.Api.Conversations;

/// <summary>The body of <c>POST /api/v1/conversations</c>: outbound click-to-dial.</summary>
public sealed record StartConversationRequest(string? AgentId, string? To, string? From, string? CallerIdName);

public sealed record RejectRequest(string? Reason);

public sealed record HoldRequest(bool Music = true);

public sealed record TransferRequest(string? To, TransferKind? Kind);

public sealed record DigitsRequest(string? Digits);

public sealed record EndParticipantRequest(string? Reason);

public sealed record SetRecordingRequest(bool? Enabled);

/// <summary>The body of a command that takes none; repeats of it are the same request.</summary>
public sealed record EmptyRequest
{
    public static EmptyRequest Instance { get; } = new();
}

public sealed class StartConversationRequestValidator : AbstractValidator<StartConversationRequest>
{
    public StartConversationRequestValidator()
    {
        RuleFor(r => r.AgentId).NotEmpty().Must(id => AgentId.TryParse(id, out _))
            .WithMessage("An agent id is 1 to 64 letters, digits, dots, underscores or hyphens.");
        RuleFor(r => r.To).NotEmpty().DialableRule();
        RuleFor(r => r.From).DialableRule().When(r => r.From is not null);
        RuleFor(r => r.CallerIdName).NameRule();
    }
}

public sealed class RejectRequestValidator : AbstractValidator<RejectRequest>
{
    public RejectRequestValidator() => RuleFor(r => r.Reason).ReasonRule();
}

public sealed class EndParticipantRequestValidator : AbstractValidator<EndParticipantRequest>
{
    public EndParticipantRequestValidator() => RuleFor(r => r.Reason).ReasonRule();
}

public sealed class HoldRequestValidator : AbstractValidator<HoldRequest>;

public sealed class TransferRequestValidator : AbstractValidator<TransferRequest>
{
    public TransferRequestValidator()
    {
        RuleFor(r => r.To).NotEmpty().DialableRule();
        RuleFor(r => r.Kind).NotNull().WithMessage("kind is blind or consult.");
    }
}

public sealed class DigitsRequestValidator : AbstractValidator<DigitsRequest>
{
    public const int MaxDigits = 32;

    public DigitsRequestValidator() =>
        RuleFor(r => r.Digits).NotEmpty().MaximumLength(MaxDigits)
            .Must(d => d is not null && d.All(c => c is >= '0' and <= '9' or '*' or '#' or >= 'A' and <= 'D'))
            .WithMessage($"Digits are 1 to {MaxDigits} of 0-9, *, #, A-D.");
}

public sealed class SetRecordingRequestValidator : AbstractValidator<SetRecordingRequest>
{
    public SetRecordingRequestValidator() => RuleFor(r => r.Enabled).NotNull().WithMessage("enabled (true or false) is required.");
}

public sealed class EmptyRequestValidator : AbstractValidator<EmptyRequest>;

internal static class ReasonRules
{
    public static IRuleBuilderOptions<T, string?> ReasonRule<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(r => r is null || DisconnectReasonWire.TryParse(r, out _))
            .WithMessage("reason is one of success, busy, decline, cancel, timeout, transfer, failed-transport, media-error, gone, general-error.");
}
