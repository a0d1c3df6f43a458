namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ConfirmLegUnmutedTests
{
    private static ConversationEvent[] Requested => [.. History.CustomerMuted, new ParticipantUnmuteRequested(Customer, T(12))];

    [Fact]
    public void GivenAnUnmutePending_WhenUnmuteConfirmed_ThenNoLongerMuted()
    {
        var state = Given(Requested).When(new ConfirmLegUnmuted(Customer, Now)).Then(new ParticipantUnmuted(Customer, Now));

        var customer = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!;
        customer.Muted.ShouldBeFalse();
        customer.Pending.ShouldBeEmpty();
    }

    [Fact]
    public void GivenAlreadyConfirmed_WhenUnmuteConfirmedAgain_ThenNothing() =>
        Given([.. Requested, new ParticipantUnmuted(Customer, T(15))]).When(new ConfirmLegUnmuted(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenNothingPending_WhenUnmuteConfirmed_ThenNothing() =>
        Given(History.CustomerMuted).When(new ConfirmLegUnmuted(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenTheParticipantDisconnected_WhenUnmuteConfirmedLate_ThenNothing() =>
        Given([.. Requested, new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(15))])
            .When(new ConfirmLegUnmuted(Customer, Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenUnmuteConfirmedLate_ThenNothing() =>
        Given(History.Ended).When(new ConfirmLegUnmuted(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenAnUnmutePending_WhenUnmuteConfirmedForAnUnknownLeg_ThenNotFound() =>
        Given(Requested).When(new ConfirmLegUnmuted(Unknown, Now)).ThenNotFound("participant p-unknown not found");
}
