namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ConfirmLegResumedTests
{
    private static ConversationEvent[] Requested => [.. History.CustomerHeld, new ParticipantResumeRequested(Customer, T(12))];

    [Fact]
    public void GivenAResumePending_WhenResumeConfirmed_ThenNoLongerHeld()
    {
        var state = Given(Requested).When(new ConfirmLegResumed(Customer, Now)).Then(new ParticipantResumed(Customer, Now));

        var customer = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!;
        customer.Held.ShouldBeFalse();
        customer.Pending.ShouldBeEmpty();
    }

    [Fact]
    public void GivenAlreadyConfirmed_WhenResumeConfirmedAgain_ThenNothing() =>
        Given([.. Requested, new ParticipantResumed(Customer, T(15))]).When(new ConfirmLegResumed(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenNothingPending_WhenResumeConfirmed_ThenNothing() =>
        Given(History.CustomerHeld).When(new ConfirmLegResumed(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenTheParticipantDisconnected_WhenResumeConfirmedLate_ThenNothing() =>
        Given([.. Requested, new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(15))])
            .When(new ConfirmLegResumed(Customer, Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenResumeConfirmedLate_ThenNothing() =>
        Given(History.Ended).When(new ConfirmLegResumed(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenAResumePending_WhenResumeConfirmedForAnUnknownLeg_ThenNotFound() =>
        Given(Requested).When(new ConfirmLegResumed(Unknown, Now)).ThenNotFound("participant p-unknown not found");
}
