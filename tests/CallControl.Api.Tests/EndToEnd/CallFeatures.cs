namespace CallControl.Api.Tests.EndToEnd;

/// <summary>
/// One service for the call-feature tests, which run one after the other (their media timing is kinder to a
/// small machine that way): each places its own calls for its own agent.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CallFeatures : ICollectionFixture<CallControlStack>
{
    public const string Name = "call features end to end";
}
