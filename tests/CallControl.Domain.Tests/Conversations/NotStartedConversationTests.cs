namespace CallControl.Domain.Tests.Conversations;

public sealed class NotStartedConversationTests
{
    public static TheoryData<ConversationCommand> AllButStarts => Catalogue.Data([.. Catalogue.CrmCommands, .. Catalogue.MediaFacts]);

    [Theory]
    [MemberData(nameof(AllButStarts))]
    public void GivenNothing_WhenAnythingButAStart_ThenTheConversationIsNotFound(ConversationCommand command) =>
        GivenNothing().When(command).ThenNotFound("conversation not found");

    [Fact]
    public void TheCatalogueCoversEveryCommand() =>
        Catalogue.CasesOf(typeof(ConversationCommand))
            .Except(Catalogue.StartCommands.Concat(Catalogue.CrmCommands).Concat(Catalogue.MediaFacts).Select(c => c.GetType()))
            .ShouldBeEmpty();
}
