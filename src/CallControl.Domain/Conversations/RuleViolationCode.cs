namespace CallControl.Domain.Conversations;

public enum RuleViolationCode
{
    /// <summary>The command does not fit the current state; the detail names that state.</summary>
    InvalidState,

    /// <summary>The conversation or the participant does not exist.</summary>
    NotFound,
}
