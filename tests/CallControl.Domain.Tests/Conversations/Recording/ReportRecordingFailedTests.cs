namespace CallControl.Domain.Tests.Conversations.Recording;

public sealed class ReportRecordingFailedTests
{
    [Fact]
    public void GivenAStartPending_WhenFailed_ThenRecordingFailedAndNothingIsPending()
    {
        var state = Given([.. History.OutboundConnected, new RecordingStartRequested(T(10))])
            .When(new ReportRecordingFailed("disk full", Now))
            .Then(new RecordingFailed("disk full", Now));

        state.ShouldBeOfType<Conversation.Live>().Recording.ShouldBe(RecordingState.Off);
    }

    [Fact]
    public void GivenNothingPending_WhenFailedAgain_ThenNothing() =>
        Given(History.RecordingOn).When(new ReportRecordingFailed("disk full", Now)).ThenNothing();

    [Fact]
    public void GivenEnded_WhenFailedLate_ThenNothing() =>
        Given(History.Ended).When(new ReportRecordingFailed("disk full", Now)).ThenNothing();
}
