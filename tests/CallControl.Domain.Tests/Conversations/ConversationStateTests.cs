namespace CallControl.Domain.Tests.Conversations;

public sealed class ConversationStateTests
{
    [Fact]
    public void AConversationIsAlertingUntilTwoParticipantsAreConnected()
    {
        Status(History.OutboundDialing).ShouldBe(ConversationStatus.Alerting);
        Status(History.OutboundAgentAnswered).ShouldBe(ConversationStatus.Alerting);
        Status(History.OutboundConnected).ShouldBe(ConversationStatus.Connected);
        Status(History.Ended).ShouldBe(ConversationStatus.Ended);
    }

    [Fact]
    public void AConversationFallsBackToAlertingWhenOnlyOneParticipantIsStillConnected() =>
        Status([.. History.InboundConnected, new ParticipantDisconnected(Agent, DisconnectReason.Success, null, Initiator.Agent, T(30))])
            .ShouldBe(ConversationStatus.Alerting);

    [Fact]
    public void TwoFoldsOfTheSameEventsAreEqual()
    {
        var first = ConversationDecider.Fold(History.ConsultConnected);
        var second = ConversationDecider.Fold(History.ConsultConnected);

        first.ShouldNotBeSameAs(second);
        first.ShouldBe(second);
        first.GetHashCode().ShouldBe(second.GetHashCode());
    }

    [Fact]
    public void FoldsThatDifferInAPendingChangeAreNotEqual() =>
        ConversationDecider.Fold(History.OutboundConnected)
            .ShouldNotBe(ConversationDecider.Fold([.. History.OutboundConnected, new ParticipantHoldRequested(Customer, true, T(10))]));

    [Fact]
    public void ALiveAndAnEndedConversationAreNeverEqual()
    {
        var ended = ConversationDecider.Fold(History.Ended).ShouldBeOfType<Conversation.Ended>();
        var live = ConversationDecider.Fold(History.Ended[..^1]).ShouldBeOfType<Conversation.Live>();

        live.Participants.ShouldBe(ended.Participants);
        ((Conversation)live).ShouldNotBe(ended);
    }

    [Fact]
    public void AnEventThatCannotBelongToTheStateIsRefused()
    {
        Should.Throw<InvalidOperationException>(() => ConversationDecider.Fold([new ParticipantConnected(Agent, T(1))]));
        Should.Throw<InvalidOperationException>(() => ConversationDecider.Fold([.. History.OutboundDialing, new ParticipantHeld(Unknown, T(1))]));
        Should.Throw<InvalidOperationException>(() => ConversationDecider.Fold([.. History.Ended, new ParticipantConnected(Agent, T(40))]));
        Should.Throw<InvalidOperationException>(() => ConversationDecider.Fold([.. History.OutboundConnected, new TransferCompleted(Agent, Target, T(40))]));
    }

    [Fact]
    public void AParticipantKnowsWhereItsPendingChangesLead()
    {
        var customer = Find(
            [.. History.CustomerHeld, new ParticipantResumeRequested(Customer, T(12)), new ParticipantMuteRequested(Customer, T(13))],
            Customer);

        customer.Held.ShouldBeTrue();
        customer.IntendsHeld.ShouldBeFalse();
        customer.Muted.ShouldBeFalse();
        customer.IntendsMuted.ShouldBeTrue();
        customer.HasPending(MediaOperation.Resume).ShouldBeTrue();
        customer.HasPending(MediaOperation.Hold).ShouldBeFalse();
    }

    [Fact]
    public void ADisconnectRecordsWhyAndClearsWhatWasPending()
    {
        var agent = Find(
            [.. History.OutboundEnding, new ParticipantDisconnected(Agent, DisconnectReason.MediaError, 500, Initiator.System, T(31))],
            Agent);

        agent.Status.ShouldBe(ParticipantStatus.Disconnected);
        agent.EndedAt.ShouldBe(T(31));
        agent.DisconnectReason.ShouldBe(DisconnectReason.MediaError);
        agent.SipStatus.ShouldBe(500);
        agent.Initiator.ShouldBe(Initiator.System);
        agent.Pending.ShouldBeEmpty();
        agent.IsEnding.ShouldBeFalse();
    }

    private static ConversationStatus Status(ConversationEvent[] history) =>
        ConversationDecider.Fold(history).ShouldBeAssignableTo<Conversation.Started>()!.Status;

    private static Participant Find(ConversationEvent[] history, ParticipantId id) =>
        ConversationDecider.Fold(history).ShouldBeOfType<Conversation.Live>().FindParticipant(id)!;
}
