namespace CallControl.Domain.Tests.Conversations.Start;

public sealed class ReceiveInboundCallTests
{
    private static ReceiveInboundCall Command() => new(Conversation1, Customer, CustomerNumber, CompanyNumber, "Jane Doe", Now);

    [Fact]
    public void GivenNothing_WhenReceiveInboundCall_ThenStartedWithTheCustomerAlerting()
    {
        var state = GivenNothing()
            .When(Command())
            .Then(
                new ConversationStarted(Conversation1, ConversationDirection.Inbound, CompanyNumber, CustomerNumber, "Jane Doe", null, Now),
                new ParticipantAdded(Customer, ParticipantRole.Customer, null, CustomerNumber, ConversationDirection.Inbound, ParticipantStatus.Alerting, true, false, false, Now));

        var live = state.ShouldBeOfType<Conversation.Live>();
        live.Direction.ShouldBe(ConversationDirection.Inbound);
        live.Status.ShouldBe(ConversationStatus.Alerting);
        live.Participants.Single().Pending.ShouldBeEmpty();
    }

    [Fact]
    public void GivenInboundAlerting_WhenReceiveInboundCallAgain_ThenNothing() =>
        Given(History.InboundAlerting).When(Command()).ThenNothing();

    [Fact]
    public void GivenEnded_WhenReceiveInboundCallAgain_ThenNothing() =>
        Given(History.Ended).When(Command()).ThenNothing();
}
