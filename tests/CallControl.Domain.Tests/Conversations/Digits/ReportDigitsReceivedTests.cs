namespace CallControl.Domain.Tests.Conversations.Digits;

public sealed class ReportDigitsReceivedTests
{
    [Fact]
    public void GivenOutboundConnected_WhenDigitsArrive_ThenTheyAreRecorded() =>
        Given(History.OutboundConnected)
            .When(new ReportDigitsReceived(Customer, "42", Now))
            .Then(new DigitsReceived(Customer, "42", Now));

    [Fact]
    public void GivenTheCustomerDisconnected_WhenDigitsArriveLate_ThenNothing() =>
        Given([.. History.OutboundConnected, new ParticipantDisconnected(Customer, DisconnectReason.Success, null, Initiator.Customer, T(30))])
            .When(new ReportDigitsReceived(Customer, "4", Now))
            .ThenNothing();

    [Fact]
    public void GivenEnded_WhenDigitsArriveLate_ThenNothing() =>
        Given(History.Ended).When(new ReportDigitsReceived(Customer, "4", Now)).ThenNothing();

    [Fact]
    public void GivenOutboundConnected_WhenDigitsArriveForAnUnknownLeg_ThenNotFound() =>
        Given(History.OutboundConnected).When(new ReportDigitsReceived(Unknown, "4", Now)).ThenNotFound("participant p-unknown not found");
}
