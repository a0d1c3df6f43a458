namespace CallControl.Domain.Tests.Conversations;

/// <summary>The cast of the example conversations, and the clock they run on.</summary>
internal static class Ids
{
    public static readonly ConversationId Conversation1 = new("c-1");
    public static readonly ParticipantId Agent = new("p-agent");
    public static readonly ParticipantId Customer = new("p-customer");
    public static readonly ParticipantId Target = new("p-target");
    public static readonly ParticipantId OtherAgent = new("p-agent-2");
    public static readonly ParticipantId Unknown = new("p-unknown");
    public static readonly AgentId AgentA1 = new("a1");
    public static readonly AgentId AgentA2 = new("a2");

    public const string Station1 = "sip:a1@desk.example.com";
    public const string Station2 = "sip:a2@desk.example.com";
    public const string CustomerNumber = "+15551234567";
    public const string CompanyNumber = "+15557654321";
    public const string TargetUri = "sip:supervisor@pbx.example.com";

    private static readonly DateTimeOffset Origin = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>When the command under test happens: later than anything in a given history.</summary>
    public static readonly DateTimeOffset Now = Origin.AddMinutes(10);

    public static DateTimeOffset T(int seconds) => Origin.AddSeconds(seconds);
}
