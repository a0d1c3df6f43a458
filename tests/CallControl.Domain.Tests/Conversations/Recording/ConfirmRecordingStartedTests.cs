namespace CallControl.Domain.Tests.Conversations.Recording;

public sealed class ConfirmRecordingStartedTests
{
    [Fact]
    public void GivenAStartPending_WhenConfirmed_ThenRecordingWithItsPath()
    {
        var state = Given([.. History.OutboundConnected, new RecordingStartRequested(T(10))])
            .When(new ConfirmRecordingStarted("/rec/c-1.wav", Now))
            .Then(new RecordingStarted("/rec/c-1.wav", Now));

        state.ShouldBeOfType<Conversation.Live>().Recording.ShouldBe(new RecordingState(true, "/rec/c-1.wav", []));
    }

    [Fact]
    public void GivenRecording_WhenConfirmedAgain_ThenNothing() =>
        Given(History.RecordingOn).When(new ConfirmRecordingStarted("/rec/c-1.wav", Now)).ThenNothing();

    [Fact]
    public void GivenEnded_WhenConfirmedLate_ThenNothing() =>
        Given(History.Ended).When(new ConfirmRecordingStarted("/rec/c-1.wav", Now)).ThenNothing();
}
