namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ConfirmLegHeldTests
{
    private static ConversationEvent[] Requested => [.. History.OutboundConnected, new ParticipantHoldRequested(Customer, true, T(10))];

    [Fact]
    public void GivenAHoldPending_WhenHoldConfirmed_ThenHeld()
    {
        var state = Given(Requested).When(new ConfirmLegHeld(Customer, Now)).Then(new ParticipantHeld(Customer, Now));

        var customer = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!;
        customer.Held.ShouldBeTrue();
        customer.Pending.ShouldBeEmpty();
    }

    [Fact]
    public void GivenAlreadyConfirmed_WhenHoldConfirmedAgain_ThenNothing() =>
        Given([.. Requested, new ParticipantHeld(Customer, T(15))]).When(new ConfirmLegHeld(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenNothingPending_WhenHoldConfirmed_ThenNothing() =>
        Given(History.OutboundConnected).When(new ConfirmLegHeld(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenTheParticipantDisconnected_WhenHoldConfirmedLate_ThenNothing() =>
        Given([.. Requested, new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(15))])
            .When(new ConfirmLegHeld(Customer, Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenHoldConfirmedLate_ThenNothing() =>
        Given(History.Ended).When(new ConfirmLegHeld(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenAHoldPending_WhenHoldConfirmedForAnUnknownLeg_ThenNotFound() =>
        Given(Requested).When(new ConfirmLegHeld(Unknown, Now)).ThenNotFound("participant p-unknown not found");
}
