namespace CallControl.Domain.Tests.Conversations.MediaFacts;

public sealed class ReportRemoteHoldTests
{
    [Fact]
    public void GivenOutboundConnected_WhenTheCustomerPutsUsOnHold_ThenRemoteHeld()
    {
        var state = Given(History.OutboundConnected)
            .When(new ReportRemoteHold(Customer, true, Now))
            .Then(new ParticipantRemoteHeld(Customer, Now));

        var customer = state.ShouldBeOfType<Conversation.Live>().FindParticipant(Customer)!;
        customer.RemoteHeld.ShouldBeTrue();
        customer.Held.ShouldBeFalse();
    }

    [Fact]
    public void GivenRemoteHeld_WhenReportedAgain_ThenNothing() =>
        Given([.. History.OutboundConnected, new ParticipantRemoteHeld(Customer, T(10))])
            .When(new ReportRemoteHold(Customer, true, Now))
            .ThenNothing();

    [Fact]
    public void GivenRemoteHeld_WhenTheCustomerResumes_ThenRemoteResumed() =>
        Given([.. History.OutboundConnected, new ParticipantRemoteHeld(Customer, T(10))])
            .When(new ReportRemoteHold(Customer, false, Now))
            .Then(new ParticipantRemoteResumed(Customer, Now));

    [Fact]
    public void GivenNotRemoteHeld_WhenAResumeIsReported_ThenNothing() =>
        Given(History.OutboundConnected).When(new ReportRemoteHold(Customer, false, Now)).ThenNothing();

    [Fact]
    public void GivenTheCustomerDisconnected_WhenHoldIsReportedLate_ThenNothing() =>
        Given([.. History.OutboundConnected, new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(30))])
            .When(new ReportRemoteHold(Customer, true, Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenHoldIsReportedLate_ThenNothing() =>
        Given(History.Ended).When(new ReportRemoteHold(Customer, true, Now)).ThenNothing();
}
