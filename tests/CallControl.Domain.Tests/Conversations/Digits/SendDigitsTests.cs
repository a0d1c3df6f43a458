namespace CallControl.Domain.Tests.Conversations.Digits;

public sealed class SendDigitsTests
{
    [Fact]
    public void GivenOutboundConnected_WhenSendDigits_ThenSendingIsRequested() =>
        Given(History.OutboundConnected)
            .When(new SendDigits(Customer, "1234#", Now))
            .Then(new DigitsSendRequested(Customer, "1234#", Now));

    [Fact]
    public void GivenDigitsAlreadySent_WhenTheSameDigitsAgain_ThenTheyAreSentAgain() =>
        Given([.. History.OutboundConnected, new DigitsSendRequested(Customer, "1", T(10))])
            .When(new SendDigits(Customer, "1", Now))
            .Then(new DigitsSendRequested(Customer, "1", Now));

    [Fact]
    public void GivenTheCustomerDialing_WhenSendDigits_ThenRejectedAsDialing() =>
        Given(History.OutboundAgentAnswered).When(new SendDigits(Customer, "1", Now)).ThenInvalidState("participant p-customer is dialing");

    [Fact]
    public void GivenTheAgentBeingEnded_WhenSendDigits_ThenRejectedAsEnding() =>
        Given(History.OutboundEnding).When(new SendDigits(Agent, "1", Now)).ThenInvalidState("participant p-agent is ending");

    [Fact]
    public void GivenOutboundConnected_WhenSendDigitsToAnUnknownParticipant_ThenNotFound() =>
        Given(History.OutboundConnected).When(new SendDigits(Unknown, "1", Now)).ThenNotFound("participant p-unknown not found");

    [Fact]
    public void GivenEnded_WhenSendDigits_ThenRejectedAsEnded() =>
        Given(History.Ended).When(new SendDigits(Customer, "1", Now)).ThenInvalidState("conversation is ended");
}
