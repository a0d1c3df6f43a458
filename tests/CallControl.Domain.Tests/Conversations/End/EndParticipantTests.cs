namespace CallControl.Domain.Tests.Conversations.End;

public sealed class EndParticipantTests
{
    [Fact]
    public void GivenOutboundConnected_WhenEndTheAgent_ThenTheLegIsAskedToEnd()
    {
        var state = Given(History.OutboundConnected)
            .When(new EndParticipant(Agent, null, Initiator.Agent, Now))
            .Then(new ParticipantEndRequested(Agent, null, Initiator.Agent, Now));

        var agent = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Agent)!;
        agent.Status.ShouldBe(ParticipantStatus.Connected);
        agent.Pending.ShouldBe([new PendingChange(MediaOperation.End, Now)]);
    }

    [Fact]
    public void GivenOutboundConnected_WhenEndWithAReason_ThenTheReasonIsCarried() =>
        Given(History.OutboundConnected)
            .When(new EndParticipant(Customer, DisconnectReason.Busy, Initiator.System, Now))
            .Then(new ParticipantEndRequested(Customer, DisconnectReason.Busy, Initiator.System, Now));

    [Fact]
    public void GivenAnEndPending_WhenEndAgain_ThenNothing() =>
        Given(History.OutboundEnding).When(new EndParticipant(Agent, null, Initiator.Agent, Now)).ThenNothing();

    [Fact]
    public void GivenAnUnacceptedOffer_WhenEndIt_ThenItIsDisconnectedAtOnce() =>
        Given(History.InboundOffered)
            .When(new EndParticipant(Agent, null, Initiator.System, Now))
            .Then(new ParticipantDisconnected(Agent, DisconnectReason.Cancel, null, Initiator.System, Now));

    [Fact]
    public void GivenADisconnectedParticipant_WhenEndIt_ThenNothing() =>
        Given([.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Timeout, null, Initiator.System, T(20))])
            .When(new EndParticipant(Agent, null, Initiator.Agent, Now))
            .ThenNothing();

    [Fact]
    public void GivenOutboundConnected_WhenEndAnUnknownParticipant_ThenNotFound() =>
        Given(History.OutboundConnected).When(new EndParticipant(Unknown, null, Initiator.Agent, Now)).ThenNotFound("participant p-unknown not found");

    [Fact]
    public void GivenEnded_WhenEndAParticipant_ThenNothing() =>
        Given(History.Ended).When(new EndParticipant(Agent, null, Initiator.Agent, Now)).ThenNothing();

    [Fact]
    public void GivenEnded_WhenEndAnUnknownParticipant_ThenNotFound() =>
        Given(History.Ended).When(new EndParticipant(Unknown, null, Initiator.Agent, Now)).ThenNotFound("participant p-unknown not found");
}
