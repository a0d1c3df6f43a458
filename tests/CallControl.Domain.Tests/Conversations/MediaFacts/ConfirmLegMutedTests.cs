namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ConfirmLegMutedTests
{
    private static ConversationEvent[] Requested => [.. History.OutboundConnected, new ParticipantMuteRequested(Customer, T(10))];

    [Fact]
    public void GivenAMutePending_WhenMuteConfirmed_ThenMuted()
    {
        var state = Given(Requested).When(new ConfirmLegMuted(Customer, Now)).Then(new ParticipantMuted(Customer, Now));

        var customer = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!;
        customer.Muted.ShouldBeTrue();
        customer.Pending.ShouldBeEmpty();
    }

    [Fact]
    public void GivenAlreadyConfirmed_WhenMuteConfirmedAgain_ThenNothing() =>
        Given([.. Requested, new ParticipantMuted(Customer, T(15))]).When(new ConfirmLegMuted(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenNothingPending_WhenMuteConfirmed_ThenNothing() =>
        Given(History.OutboundConnected).When(new ConfirmLegMuted(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenTheParticipantDisconnected_WhenMuteConfirmedLate_ThenNothing() =>
        Given([.. Requested, new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(15))])
            .When(new ConfirmLegMuted(Customer, Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenMuteConfirmedLate_ThenNothing() =>
        Given(History.Ended).When(new ConfirmLegMuted(Customer, Now)).ThenNothing();

    [Fact]
    public void GivenAMutePending_WhenMuteConfirmedForAnUnknownLeg_ThenNotFound() =>
        Given(Requested).When(new ConfirmLegMuted(Unknown, Now)).ThenNotFound("participant p-unknown not found");
}
