namespace CallControl.Domain.Tests.Conversations.Recording;

public sealed class SetRecordingTests
{
    [Fact]
    public void GivenOutboundConnected_WhenEnableRecording_ThenStartIsRequestedButNotYetEnabled()
    {
        var state = Given(History.OutboundConnected)
            .When(new SetRecording(true, Now))
            .Then(new RecordingStartRequested(Now));

        var recording = state.ShouldBeOfType<Conversation.Live>().Recording;
        recording.Enabled.ShouldBeFalse();
        recording.Pending.ShouldBe([new RecordingRequest(true, Now)]);
    }

    [Fact]
    public void GivenTheAgentStillDialing_WhenEnableRecording_ThenStartIsRequestedSoTheWholeCallIsCaptured() =>
        Given(History.OutboundDialing).When(new SetRecording(true, Now)).Then(new RecordingStartRequested(Now));

    [Fact]
    public void GivenAStartPending_WhenEnableAgain_ThenNothing() =>
        Given([.. History.OutboundConnected, new RecordingStartRequested(T(10))]).When(new SetRecording(true, Now)).ThenNothing();

    [Fact]
    public void GivenRecording_WhenEnableAgain_ThenNothing() =>
        Given(History.RecordingOn).When(new SetRecording(true, Now)).ThenNothing();

    [Fact]
    public void GivenRecording_WhenDisable_ThenStopIsRequested() =>
        Given(History.RecordingOn).When(new SetRecording(false, Now)).Then(new RecordingStopRequested(Now));

    [Fact]
    public void GivenAStartPending_WhenDisable_ThenStopIsRequestedBehindIt() =>
        Given([.. History.OutboundConnected, new RecordingStartRequested(T(10))]).When(new SetRecording(false, Now)).Then(new RecordingStopRequested(Now));

    [Fact]
    public void GivenNotRecording_WhenDisable_ThenNothing() =>
        Given(History.OutboundConnected).When(new SetRecording(false, Now)).ThenNothing();

    [Fact]
    public void GivenEnded_WhenEnableRecording_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new SetRecording(true, Now)).ThenInvalidState("conversation is ended");
}
