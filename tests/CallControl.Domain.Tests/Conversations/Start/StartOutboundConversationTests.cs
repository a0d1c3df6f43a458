namespace CallControl.Domain.Tests.Conversations.Start;

public sealed class StartOutboundConversationTests
{
    private static StartOutboundConversation Command(bool autoAnswer = true) =>
        new(Conversation1, Agent, AgentA1, Station1, autoAnswer, CustomerNumber, CompanyNumber, "Acme Support", Customer, Now);

    [Fact]
    public void GivenNothing_WhenStartOutbound_ThenStartedWithTheAgentStationDialing()
    {
        var state = GivenNothing()
            .When(Command())
            .Then(
                new ConversationStarted(Conversation1, ConversationDirection.Outbound, CustomerNumber, CompanyNumber, "Acme Support", Customer, Now),
                new ParticipantAdded(Agent, ParticipantRole.Agent, AgentA1, Station1, ConversationDirection.Outbound, ParticipantStatus.Dialing, true, false, true, Now));

        var live = state.ShouldBeOfType<Conversation.Live>();
        live.Status.ShouldBe(ConversationStatus.Alerting);
        live.Dial.ShouldBe(new DialTarget(CustomerNumber, CompanyNumber, "Acme Support", Customer));
        live.Participants.Single().Pending.ShouldBe([new PendingChange(MediaOperation.Place, Now)]);
    }

    [Fact]
    public void GivenOutboundDialing_WhenStartOutboundAgain_ThenNothing() =>
        Given(History.OutboundDialing).When(Command()).ThenNothing();

    [Fact]
    public void GivenInboundAlerting_WhenStartOutboundWithTheSameId_ThenNothing() =>
        Given(History.InboundAlerting).When(Command()).ThenNothing();

    [Fact]
    public void GivenEnded_WhenStartOutboundAgain_ThenNothing() =>
        Given(History.Ended).When(Command()).ThenNothing();
}
