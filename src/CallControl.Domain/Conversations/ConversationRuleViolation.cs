namespace CallControl.Domain.Conversations;

/// <summary>The one way the decider refuses a command; the API maps <see cref="Code"/> to a problem type.</summary>
public sealed class ConversationRuleViolation : Exception
{
    public ConversationRuleViolation(RuleViolationCode code, string detail)
        : base(detail)
    {
        Code = code;
        Detail = detail;
    }

    public RuleViolationCode Code { get; }

    public string Detail { get; }

    internal static ConversationRuleViolation InvalidState(string detail) => new(RuleViolationCode.InvalidState, detail);

    internal static ConversationRuleViolation ConversationNotFound() => new(RuleViolationCode.NotFound, "conversation not found");

    internal static ConversationRuleViolation ParticipantNotFound(ParticipantId id) =>
        new(RuleViolationCode.NotFound, $"participant {id} not found");
}
