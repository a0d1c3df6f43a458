namespace CallControl.Domain.Tests.Conversations;

public sealed class DisconnectReasonWireTests
{
    [Theory]
    [InlineData(DisconnectReason.Success, "success")]
    [InlineData(DisconnectReason.Busy, "busy")]
    [InlineData(DisconnectReason.Decline, "decline")]
    [InlineData(DisconnectReason.Cancel, "cancel")]
    [InlineData(DisconnectReason.Timeout, "timeout")]
    [InlineData(DisconnectReason.Transfer, "transfer")]
    [InlineData(DisconnectReason.FailedTransport, "failed-transport")]
    [InlineData(DisconnectReason.MediaError, "media-error")]
    [InlineData(DisconnectReason.Gone, "gone")]
    [InlineData(DisconnectReason.GeneralError, "general-error")]
    public void EveryReasonHasItsContractSpellingBothWays(DisconnectReason reason, string wire)
    {
        reason.ToWire().ShouldBe(wire);
        DisconnectReasonWire.TryParse(wire, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(reason);
    }

    [Fact]
    public void EveryReasonIsCovered() =>
        Enum.GetValues<DisconnectReason>().Select(r => r.ToWire()).ShouldBeUnique();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("FailedTransport")]
    [InlineData("failed_transport")]
    [InlineData("Busy")]
    public void UnknownSpellingsAreRefused(string? wire) =>
        DisconnectReasonWire.TryParse(wire, out _).ShouldBeFalse();

    [Theory]
    [InlineData(null, DisconnectReason.FailedTransport)]
    [InlineData(486, DisconnectReason.Busy)]
    [InlineData(600, DisconnectReason.Busy)]
    [InlineData(603, DisconnectReason.Decline)]
    [InlineData(487, DisconnectReason.Cancel)]
    [InlineData(408, DisconnectReason.Timeout)]
    [InlineData(480, DisconnectReason.Timeout)]
    [InlineData(503, DisconnectReason.GeneralError)]
    public void SipStatusesMapToTheReasonTheyStandFor(int? sipStatus, DisconnectReason reason) =>
        DisconnectReasonWire.FromSipStatus(sipStatus).ShouldBe(reason);
}
