namespace CallControl.Domain.Tests.Conversations;

public sealed class EndedConversationTests
{
    public static TheoryData<ConversationCommand> MediaFacts => Catalogue.Data(Catalogue.MediaFacts);

    public static TheoryData<ConversationCommand> Refused => Catalogue.Data(
        Catalogue.CrmCommands.Where(c => c is not (EndConversation or EndParticipant or ExpireOffer or RejectOffer or AssignMediaWorker)));

    [Theory]
    [MemberData(nameof(MediaFacts))]
    public void GivenEnded_WhenAMediaFactArrivesLate_ThenNothing(ConversationCommand fact) =>
        Given(History.Ended).When(fact).ThenNothing();

    [Theory]
    [MemberData(nameof(Refused))]
    public void GivenEnded_WhenACommandThatWouldChangeSomething_ThenRejectedAsEnded(ConversationCommand command) =>
        Given(History.Ended).When(command).ThenInvalidState("conversation is ended");

    [Fact]
    public void GivenEnded_ThenItKeepsItsParticipantsAndStopsRecording()
    {
        var ended = ConversationDecider.Fold(
                [.. History.RecordingOn, .. History.Ended.Skip(History.OutboundConnected.Length)])
            .ShouldBeOfType<Conversation.Ended>();

        ended.Participants.Select(p => p.Status).ShouldAllBe(s => s == ParticipantStatus.Disconnected);
        ended.Recording.ShouldBe(new RecordingState(false, "/rec/c-1.wav", []));
        ended.StartedAt.ShouldBe(T(0));
        ended.EndedAt.ShouldBe(T(31));
    }
}
