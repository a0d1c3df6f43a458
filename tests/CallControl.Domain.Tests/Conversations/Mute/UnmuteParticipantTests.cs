namespace CallControl.Domain.Tests.Conversations.Mute;

public sealed class UnmuteParticipantTests
{
    [Fact]
    public void GivenTheCustomerMuted_WhenUnmute_ThenUnmuteIsRequested() =>
        Given(History.CustomerMuted)
            .When(new UnmuteParticipant(Customer, Now))
            .Then(new ParticipantUnmuteRequested(Customer, Now));

    [Fact]
    public void GivenAnUnmutePending_WhenUnmuteAgain_ThenNothing() =>
        Given([.. History.CustomerMuted, new ParticipantUnmuteRequested(Customer, T(12))])
            .When(new UnmuteParticipant(Customer, Now))
            .ThenNothing();

    [Fact]
    public void GivenTheCustomerNotMuted_WhenUnmute_ThenNothing() =>
        Given(History.OutboundConnected).When(new UnmuteParticipant(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenTheCustomerDialing_WhenUnmute_ThenRejectedAsDialing() =>
        Given(History.OutboundAgentAnswered).When(new UnmuteParticipant(Customer, Now)).ThenInvalidState("participant p-customer is dialing");

    [Fact]
    public void GivenEnded_WhenUnmute_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new UnmuteParticipant(Customer, Now)).ThenInvalidState("conversation is ended");
}
