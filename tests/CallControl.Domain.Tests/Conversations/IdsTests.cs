namespace CallControl.Domain.Tests.Conversations;

public sealed class IdsTests
{
    [Theory]
    [InlineData("a1")]
    [InlineData("agent.smith_01-X")]
    [InlineData("Z")]
    public void AgentIdAcceptsTheContractAlphabet(string text)
    {
        AgentId.TryParse(text, out var id).ShouldBeTrue();
        id.ToString().ShouldBe(text);
    }

    [Fact]
    public void AgentIdAcceptsSixtyFourCharacters() =>
        AgentId.TryParse(new string('a', 64), out _).ShouldBeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("agent@example")]
    [InlineData("é")]
    [InlineData("a\n")]
    public void AgentIdRefusesAnythingElse(string? text)
    {
        AgentId.TryParse(text, out var id).ShouldBeFalse();
        id.ShouldBe(default);
    }

    [Fact]
    public void AgentIdRefusesSixtyFiveCharacters() =>
        AgentId.TryParse(new string('a', 65), out _).ShouldBeFalse();

    [Fact]
    public void IdsPrintAsTheirValue()
    {
        Conversation1.ToString().ShouldBe("c-1");
        Agent.ToString().ShouldBe("p-agent");
    }
}
