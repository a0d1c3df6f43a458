namespace CallControl.Domain.Tests.Conversations.Recording;

public sealed class ConfirmRecordingStoppedTests
{
    [Fact]
    public void GivenAStopPending_WhenConfirmed_ThenNotRecordingAndThePathIsKept()
    {
        var state = Given([.. History.RecordingOn, new RecordingStopRequested(T(20))])
            .When(new ConfirmRecordingStopped(Now))
            .Then(new RecordingStopped(Now));

        state.ShouldBeOfType<Conversation.Live>().Recording.ShouldBe(new RecordingState(false, "/rec/c-1.wav", []));
    }

    [Fact]
    public void GivenNoStopPending_WhenConfirmed_ThenNothing() =>
        Given(History.RecordingOn).When(new ConfirmRecordingStopped(Now)).ThenNothing();

    [Fact]
    public void GivenEnded_WhenConfirmedLate_ThenNothing() =>
        Given(History.Ended).When(new ConfirmRecordingStopped(Now)).ThenNothing();
}
