namespace CallControl.Domain.Tests.Conversations;

public sealed class MediaWorkerAssignmentTests
{
    [Fact]
    public void AnInboundCallNamesTheWorkerThatReceivedIt()
    {
        var events = ConversationDecider.Decide(
            new ReceiveInboundCall(Conversation1, Customer, CustomerNumber, CompanyNumber, null, Now) { MediaWorkerId = "worker-7" },
            Conversation.Initial);

        events.OfType<MediaWorkerAssigned>().Single().WorkerId.ShouldBe("worker-7");
        ((Conversation.Started)ConversationDecider.Fold(events)).MediaWorkerId.ShouldBe("worker-7");
    }

    [Fact]
    public void AnOutboundCallWithoutAKnownWorkerStartsUnassigned()
    {
        var events = ConversationDecider.Decide(
            new StartOutboundConversation(Conversation1, Agent, AgentA1, Station1, false, CustomerNumber, null, null, Customer, Now),
            Conversation.Initial);

        events.OfType<MediaWorkerAssigned>().ShouldBeEmpty();
        ((Conversation.Started)ConversationDecider.Fold(events)).MediaWorkerId.ShouldBeNull();
    }

    [Fact]
    public void TheFirstAssignmentStands()
    {
        var state = ConversationDecider.Fold(ConversationDecider.Decide(
            new StartOutboundConversation(Conversation1, Agent, AgentA1, Station1, false, CustomerNumber, null, null, Customer, Now),
            Conversation.Initial));

        var first = ConversationDecider.Decide(new AssignMediaWorker("worker-1", Now), state);
        first.ShouldBe([new MediaWorkerAssigned("worker-1", Now)]);
        state = ConversationDecider.Fold(state, first);

        ConversationDecider.Decide(new AssignMediaWorker("worker-2", Now), state).ShouldBeEmpty();
        ConversationDecider.Decide(new AssignMediaWorker("worker-1", Now), state).ShouldBeEmpty();
    }
}
