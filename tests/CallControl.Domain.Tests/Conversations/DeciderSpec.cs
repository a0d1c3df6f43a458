namespace CallControl.Domain.Tests.Conversations;

/// <summary>Given these events, when this command, then these events (or this refusal). No I/O.</summary>
internal sealed class DeciderSpec
{
    private readonly ConversationEvent[] _given;
    private ConversationCommand? _when;

    private DeciderSpec(ConversationEvent[] given) => _given = given;

    public static DeciderSpec Given(params ConversationEvent[] history) => new(history);

    public static DeciderSpec GivenNothing() => new([]);

    public DeciderSpec When(ConversationCommand command)
    {
        _when = command;
        return this;
    }

    /// <summary>Asserts the decision and returns the state it leads to, which must fold without error.</summary>
    public Conversation Then(params ConversationEvent[] expected)
    {
        var decided = Decide();
        decided.ShouldBe(expected);
        return ConversationDecider.Fold([.. _given, .. decided]);
    }

    public void ThenNothing() => Decide().ShouldBeEmpty();

    public void ThenRejected(RuleViolationCode code, string detail)
    {
        var violation = Should.Throw<ConversationRuleViolation>(() => Decide());
        violation.Code.ShouldBe(code);
        violation.Detail.ShouldBe(detail);
    }

    public void ThenInvalidState(string detail) => ThenRejected(RuleViolationCode.InvalidState, detail);

    public void ThenNotFound(string detail) => ThenRejected(RuleViolationCode.NotFound, detail);

    private IReadOnlyList<ConversationEvent> Decide()
    {
        var command = _when ?? throw new InvalidOperationException("When(...) was not called.");
        return ConversationDecider.Decide(command, ConversationDecider.Fold(_given));
    }
}
