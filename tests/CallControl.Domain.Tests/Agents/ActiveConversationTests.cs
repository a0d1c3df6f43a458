using static CallControl.Domain.Tests.Agents.Desks;

namespace CallControl.Domain.Tests.Agents;

public sealed class ActiveConversationTests
{
    [Fact]
    public void GivenNoConversations_ThenThereIsNoActiveOne() =>
        AgentDeskProjection.ChooseActive([]).ShouldBeNull();

    [Fact]
    public void GivenOneConnectedAndOneHeld_ThenTheUnheldOneIsActiveEvenIfConnectedEarlier() =>
        AgentDeskProjection.ChooseActive([Entry(Connected(Conversation1, 0)), Entry(CustomerHeld(Conversation2, 100))])
            .ShouldBe(Conversation1);

    [Fact]
    public void GivenTwoConnectedUnheld_ThenTheOneTheAgentConnectedToLastIsActive() =>
        AgentDeskProjection.ChooseActive([Entry(Connected(Conversation1, 0)), Entry(Connected(Conversation2, 100))])
            .ShouldBe(Conversation2);

    [Fact]
    public void GivenEveryConnectedOneHeld_ThenTheMostRecentlyConnectedIsActive() =>
        AgentDeskProjection.ChooseActive([Entry(CustomerHeld(Conversation2, 100)), Entry(CustomerHeld(Conversation1, 0))])
            .ShouldBe(Conversation2);

    [Fact]
    public void GivenAConnectedCallAndANewerOfferRinging_ThenTheCallStaysActive() =>
        AgentDeskProjection.ChooseActive([Entry(Connected(Conversation1, 0)), Entry(Offered(Conversation2, 100))])
            .ShouldBe(Conversation1);

    [Fact]
    public void GivenOnlyOffersRinging_ThenTheMostRecentlyChangedIsActive() =>
        AgentDeskProjection.ChooseActive([Entry(Offered(Conversation2, 100)), Entry(Offered(Conversation1, 0))])
            .ShouldBe(Conversation2);

    [Fact]
    public void GivenTheAgentItselfHeld_ThenThatConversationCountsAsHeld() =>
        AgentDeskProjection.ChooseActive(
            [
                Entry(Connected(Conversation1, 0)),
                Entry([.. Connected(Conversation2, 100), new ParticipantHoldRequested(Agent, true, T(106)), new ParticipantHeld(Agent, T(107))]),
            ])
            .ShouldBe(Conversation1);

    [Fact]
    public void GivenAHoldOnlyRequested_ThenTheConversationIsNotYetHeld() =>
        AgentDeskProjection.ChooseActive(
            [
                Entry(Connected(Conversation1, 0)),
                Entry([.. Connected(Conversation2, 100), new ParticipantHoldRequested(Customer, true, T(106))]),
            ])
            .ShouldBe(Conversation2);
}
