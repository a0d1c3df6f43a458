namespace CallControl.Domain.Tests.Conversations.Hold;

public sealed class ResumeParticipantTests
{
    [Fact]
    public void GivenTheCustomerHeld_WhenResume_ThenResumeIsRequestedAndStillHeldUntilConfirmed()
    {
        var state = Given(History.CustomerHeld)
            .When(new ResumeParticipant(Customer, Now))
            .Then(new ParticipantResumeRequested(Customer, Now));

        var customer = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!;
        customer.Held.ShouldBeTrue();
        customer.Pending.ShouldBe([new PendingChange(MediaOperation.Resume, Now)]);
    }

    [Fact]
    public void GivenAResumePending_WhenResumeAgain_ThenNothing() =>
        Given([.. History.CustomerHeld, new ParticipantResumeRequested(Customer, T(12))])
            .When(new ResumeParticipant(Customer, Now))
            .ThenNothing();

    [Fact]
    public void GivenTheCustomerNotHeld_WhenResume_ThenNothing() =>
        Given(History.OutboundConnected).When(new ResumeParticipant(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenAHoldPending_WhenResume_ThenResumeIsRequestedBehindIt() =>
        Given([.. History.OutboundConnected, new ParticipantHoldRequested(Customer, true, T(10))])
            .When(new ResumeParticipant(Customer, Now))
            .Then(new ParticipantResumeRequested(Customer, Now));

    [Fact]
    public void GivenTheCustomerDialing_WhenResume_ThenRejectedAsDialing() =>
        Given(History.OutboundAgentAnswered).When(new ResumeParticipant(Customer, Now)).ThenInvalidState("participant p-customer is dialing");

    [Fact]
    public void GivenTheAgentBeingEnded_WhenResume_ThenRejectedAsEnding() =>
        Given(History.OutboundEnding).When(new ResumeParticipant(Agent, Now)).ThenInvalidState("participant p-agent is ending");

    [Fact]
    public void GivenEnded_WhenResume_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new ResumeParticipant(Customer, Now)).ThenInvalidState("conversation is ended");
}
