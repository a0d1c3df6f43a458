namespace CallControl.Domain.Tests.Conversations.Mute;

public sealed class MuteParticipantTests
{
    [Fact]
    public void GivenOutboundConnected_WhenMuteTheAgent_ThenMuteIsRequestedButNotYetMuted()
    {
        var state = Given(History.OutboundConnected)
            .When(new MuteParticipant(Agent, Now))
            .Then(new ParticipantMuteRequested(Agent, Now));

        var agent = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Agent)!;
        agent.Muted.ShouldBeFalse();
        agent.Pending.ShouldBe([new PendingChange(MediaOperation.Mute, Now)]);
    }

    [Fact]
    public void GivenAMutePending_WhenMuteAgain_ThenNothing() =>
        Given([.. History.OutboundConnected, new ParticipantMuteRequested(Customer, T(10))])
            .When(new MuteParticipant(Customer, Now))
            .ThenNothing();

    [Fact]
    public void GivenTheCustomerMuted_WhenMuteAgain_ThenNothing() =>
        Given(History.CustomerMuted).When(new MuteParticipant(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenTheCustomerMutedWithAnUnmutePending_WhenMute_ThenMuteIsRequestedAgain() =>
        Given([.. History.CustomerMuted, new ParticipantUnmuteRequested(Customer, T(12))])
            .When(new MuteParticipant(Customer, Now))
            .Then(new ParticipantMuteRequested(Customer, Now));

    [Fact]
    public void GivenTheAgentDialing_WhenMute_ThenRejectedAsDialing() =>
        Given(History.OutboundDialing).When(new MuteParticipant(Agent, Now)).ThenInvalidState("participant p-agent is dialing");

    [Fact]
    public void GivenTheAgentAlerting_WhenMute_ThenRejectedAsAlerting() =>
        Given(History.InboundAccepted).When(new MuteParticipant(Agent, Now)).ThenInvalidState("participant p-agent is alerting");

    [Fact]
    public void GivenTheAgentBeingEnded_WhenMute_ThenRejectedAsEnding() =>
        Given(History.OutboundEnding).When(new MuteParticipant(Agent, Now)).ThenInvalidState("participant p-agent is ending");

    [Fact]
    public void GivenEnded_WhenMute_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new MuteParticipant(Agent, Now)).ThenInvalidState("conversation is ended");
}
