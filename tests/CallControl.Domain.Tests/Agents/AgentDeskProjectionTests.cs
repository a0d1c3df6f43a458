using static CallControl.Domain.Tests.Agents.Desks;

namespace CallControl.Domain.Tests.Agents;

public sealed class AgentDeskProjectionTests
{
    private static readonly AgentDesk EmptyDesk = AgentDesk.Empty(AgentA1);

    [Fact]
    public void GivenAnEmptyDesk_WhenTheAgentIsOffered_ThenTheConversationIsAddedAndActive()
    {
        var conversation = Fold(History.InboundOffered);

        var (desk, update) = AgentDeskProjection.Project(EmptyDesk, conversation, 3, Now);

        update.ShouldNotBeNull();
        update.Sequence.ShouldBe(1);
        update.OccurredAt.ShouldBe(Now);
        update.ActiveConversationId.ShouldBe(Conversation1);
        var entry = update.Added.ShouldHaveSingleItem();
        entry.ShouldBe(new DeskEntry(Conversation1, 3, conversation, conversation.FindParticipant(Agent)!, Now, null));
        update.Current.ShouldBe([entry]);
        update.Removed.ShouldBeEmpty();
        desk.Sequence.ShouldBe(1);
        desk.Current.Keys.ShouldBe([Conversation1]);
        desk.ActiveConversationId.ShouldBe(Conversation1);
    }

    [Fact]
    public void GivenAConversationOnTheDesk_WhenItChanges_ThenItIsUpdatedInCurrentOnly()
    {
        var (desk, _) = AgentDeskProjection.Project(EmptyDesk, Fold(History.InboundOffered), 3, T(1));
        var connected = Fold(History.InboundConnected);

        var (next, update) = AgentDeskProjection.Project(desk, connected, 6, Now);

        update.ShouldNotBeNull();
        update.Sequence.ShouldBe(2);
        update.Added.ShouldBeEmpty();
        update.Removed.ShouldBeEmpty();
        var entry = update.Current.ShouldHaveSingleItem();
        entry.Version.ShouldBe(6);
        entry.AgentParticipant.Status.ShouldBe(ParticipantStatus.Connected);
        entry.ConnectedAt.ShouldBe(T(4));
        next.Current[Conversation1].ShouldBe(entry);
    }

    [Fact]
    public void GivenAConversationOnTheDesk_WhenNothingTheAgentSeesChanged_ThenNoUpdate()
    {
        var (desk, _) = AgentDeskProjection.Project(EmptyDesk, Fold(History.InboundConnected), 6, T(5));
        var sameState = Fold([.. History.InboundConnected, new DigitsSendRequested(Customer, "1", T(9))]);

        var (next, update) = AgentDeskProjection.Project(desk, sameState, 7, Now);

        update.ShouldBeNull();
        next.ShouldBeSameAs(desk);
    }

    [Fact]
    public void GivenAnOfferOnTheDesk_WhenTheAgentRejectsIt_ThenItIsRemovedInItsFinalState()
    {
        var (desk, _) = AgentDeskProjection.Project(EmptyDesk, Fold(History.InboundOffered), 3, T(1));
        var rejected = Fold([.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Decline, null, Initiator.Agent, Now)]);

        var (next, update) = AgentDeskProjection.Project(desk, rejected, 4, Now);

        update.ShouldNotBeNull();
        update.Sequence.ShouldBe(2);
        update.Current.ShouldBeEmpty();
        update.ActiveConversationId.ShouldBeNull();
        update.Removed.ShouldHaveSingleItem().AgentParticipant.DisconnectReason.ShouldBe(DisconnectReason.Decline);
        next.Current.ShouldBeEmpty();
        next.ActiveConversationId.ShouldBeNull();
    }

    [Fact]
    public void GivenAConversationOnTheDesk_WhenItEnds_ThenItIsRemoved()
    {
        var (desk, _) = AgentDeskProjection.Project(AgentDesk.Empty(AgentA1), Fold(History.OutboundConnected), 5, T(5));

        var (_, update) = AgentDeskProjection.Project(desk, Fold(History.Ended), 9, Now);

        update.ShouldNotBeNull();
        update.Removed.ShouldHaveSingleItem().Conversation.ShouldBeOfType<Conversation.Ended>();
        update.Current.ShouldBeEmpty();
    }

    [Fact]
    public void GivenARemovedConversation_WhenItChangesLater_ThenNoUpdate()
    {
        ConversationEvent[] declined = [.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Decline, null, Initiator.Agent, T(5))];
        var (desk, _) = AgentDeskProjection.Project(EmptyDesk, Fold(History.InboundOffered), 3, T(1));
        (desk, _) = AgentDeskProjection.Project(desk, Fold(declined), 4, T(5));

        var (_, update) = AgentDeskProjection.Project(desk, Fold([.. declined, new DigitsReceived(Customer, "1", Now)]), 5, Now);

        update.ShouldBeNull();
    }

    [Fact]
    public void GivenARemovedOffer_WhenTheAgentIsOfferedTheSameCallAgain_ThenItIsAddedAgain()
    {
        ConversationEvent[] declined = [.. History.InboundOffered, new ParticipantDisconnected(Agent, DisconnectReason.Decline, null, Initiator.Agent, T(5))];
        var (desk, _) = AgentDeskProjection.Project(EmptyDesk, Fold(History.InboundOffered), 3, T(1));
        (desk, _) = AgentDeskProjection.Project(desk, Fold(declined), 4, T(5));
        ParticipantAdded reoffer = History.AgentOffered with { ParticipantId = OtherAgent, At = Now };

        var (_, update) = AgentDeskProjection.Project(desk, Fold([.. declined, reoffer]), 5, Now);

        update.ShouldNotBeNull();
        update.Sequence.ShouldBe(3);
        update.Added.ShouldHaveSingleItem().AgentParticipant.Id.ShouldBe(OtherAgent);
    }

    [Fact]
    public void GivenAConversationWithoutTheAgent_WhenProjected_ThenNoUpdate()
    {
        var (desk, update) = AgentDeskProjection.Project(AgentDesk.Empty(AgentA2), Fold(History.OutboundConnected), 5, Now);

        update.ShouldBeNull();
        desk.Sequence.ShouldBe(0);
    }

    [Fact]
    public void GivenTwoAgentsOffered_WhenOneAnswers_ThenEachAgentGetsItsOwnUpdate()
    {
        ConversationEvent[] ringAll = [.. History.InboundAccepted, History.OtherAgentOffered];
        var (desks, first) = AgentDeskProjection.ProjectAll(new Dictionary<AgentId, AgentDesk>(), Fold(ringAll), 5, T(3));
        first.Select(u => (u.AgentId, u.Sequence)).ShouldBe([(AgentA1, 1L), (AgentA2, 1L)]);

        var answered = ConversationDecider.Decide(new ConfirmLegAnswered(Agent, Now), Fold(ringAll));
        var (after, second) = AgentDeskProjection.ProjectAll(desks, Fold([.. ringAll, .. answered]), 5 + answered.Count, Now);

        second.Count.ShouldBe(2);
        second.Single(u => u.AgentId == AgentA1).Current.ShouldHaveSingleItem().AgentParticipant.Status.ShouldBe(ParticipantStatus.Connected);
        var withdrawn = second.Single(u => u.AgentId == AgentA2);
        withdrawn.Sequence.ShouldBe(2);
        withdrawn.Removed.ShouldHaveSingleItem().AgentParticipant.DisconnectReason.ShouldBe(DisconnectReason.Cancel);
        after[AgentA2].Current.ShouldBeEmpty();
    }

    [Fact]
    public void GivenEventBatches_WhenReplayed_ThenTheDesksMatchProjectingEachAppend()
    {
        var batches = new List<ConversationEventBatch>();
        var state = Conversation.Initial;
        var version = 0L;
        ConversationCommand[] commands =
        [
            new ReceiveInboundCall(Conversation1, Customer, CustomerNumber, CompanyNumber, null, T(0)),
            new OfferToAgent(Agent, AgentA1, Station1, T(1)),
            new AcceptOffer(Agent, T(2)),
            new ConfirmLegAnswered(Agent, T(3)),
            new ConfirmLegAnswered(Customer, T(4)),
            new SendDigits(Customer, "1", T(5)),
            new HoldParticipant(Customer, true, T(6)),
            new ConfirmLegHeld(Customer, T(7)),
            new ReportLegEnded(Customer, DisconnectReason.Success, null, Initiator.Customer, T(8)),
            new ReportLegEnded(Agent, DisconnectReason.Success, null, Initiator.System, T(9)),
        ];
        foreach (var command in commands)
        {
            var events = ConversationDecider.Decide(command, state);
            state = ConversationDecider.Fold(state, events);
            version += events.Count;
            batches.Add(new ConversationEventBatch(Conversation1, version, command.At, events));
        }

        var (replay, updates) = AgentDeskProjection.Replay(batches);

        updates.Select(u => u.Sequence).ShouldBe([1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L]);
        updates[0].Added.ShouldHaveSingleItem().Version.ShouldBe(3);
        updates[^1].Removed.ShouldHaveSingleItem().Conversation.ShouldBeOfType<Conversation.Ended>();
        replay.Desks[AgentA1].Current.ShouldBeEmpty();
        replay.Desks[AgentA1].Sequence.ShouldBe(8);
        replay.Conversations.ShouldBeEmpty();
    }
}
