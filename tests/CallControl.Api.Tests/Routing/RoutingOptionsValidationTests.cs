using CallControl.Api.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Tests.Routing;

public sealed class RoutingOptionsValidationTests
{
    [Fact]
    public void RulesBoundFromEnvironmentStyleKeysPassWithTheDefaults()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Routing__Rules__0__Did"] = "+15551230000",
            ["Routing__Rules__0__Agents__0"] = "a1",
            ["Routing__Rules__0__Agents__1"] = "a.2_b-3",
        });

        Validate(options).Succeeded.ShouldBeTrue(Validate(options).FailureMessage);
        options.OfferTimeoutSeconds.ShouldBe(20);
        options.Rules.ShouldHaveSingleItem().Tenant.ShouldBe("default");
        options.Rules[0].Agents.ShouldBe(["a1", "a.2_b-3"]);
    }

    [Fact]
    public void NoRulesPass() => Validate(new RoutingOptions()).Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData(0)]
    [InlineData(601)]
    public void AnOfferTimeoutOutside1To600SecondsFails(int seconds)
    {
        var result = Validate(new RoutingOptions { OfferTimeoutSeconds = seconds });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldNotBeNull().ShouldContain("Routing:OfferTimeoutSeconds");
        result.FailureMessage.ShouldNotBeNull().ShouldContain("1-600");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(600)]
    public void AnOfferTimeoutAtEitherLimitPasses(int seconds) =>
        Validate(new RoutingOptions { OfferTimeoutSeconds = seconds }).Succeeded.ShouldBeTrue();

    [Fact]
    public void ADidRoutedTwiceFailsNamingBothRules()
    {
        var result = Validate(Rules(Rule("+1555", "a1"), Rule("+1556", "a2"), Rule("+1555", "a3")));

        result.FailureMessage.ShouldNotBeNull().ShouldContain("Routing:Rules:2:Did '+1555' is already routed by Routing:Rules:0");
    }

    [Fact]
    public void DidsDifferingOnlyByALeadingPlusAreDistinctNumbers() =>
        Validate(Rules(Rule("+15551234567", "a1"), Rule("15551234567", "a2"))).Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("+1 555")]
    public void AMissingOrSpacedDidFails(string? did)
    {
        var result = Validate(Rules(Rule(did, "a1")));

        result.FailureMessage.ShouldNotBeNull().ShouldContain("Routing:Rules:0:Did");
    }

    [Fact]
    public void ARuleWithoutAgentsFails()
    {
        var result = Validate(Rules(Rule("+1555")));

        result.FailureMessage.ShouldNotBeNull().ShouldContain("Routing:Rules:0:Agents must list at least one agent id");
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("sip:a1@host")]
    public void AnAgentIdOutsideTheContractsAlphabetFails(string agentId)
    {
        var result = Validate(Rules(Rule("+1555", "a1", agentId)));

        result.FailureMessage.ShouldNotBeNull().ShouldContain($"Routing:Rules:0:Agents:1 '{agentId}' is not an agent id");
    }

    [Fact]
    public void AnAgentListedTwiceInOneRuleFails()
    {
        var result = Validate(Rules(Rule("+1555", "a1", "a1")));

        result.FailureMessage.ShouldNotBeNull().ShouldContain("Routing:Rules:0:Agents:1 'a1' is listed twice");
    }

    [Fact]
    public void AnInvalidTenantFails()
    {
        var rule = Rule("+1555", "a1");
        rule.Tenant = "not/a tenant";

        Validate(Rules(rule)).FailureMessage.ShouldNotBeNull().ShouldContain("Routing:Rules:0:Tenant");
    }

    [Fact]
    public void TheTableFindsARuleByTheExactDialledString()
    {
        var table = new RoutingTable(Options.Create(Rules(Rule("+15551234567", "a1"))));

        table.Find("+15551234567").ShouldNotBeNull().Agents.ShouldBe(["a1"]);
        table.Find("15551234567").ShouldBeNull();
        table.Find("+15551234567 ").ShouldBeNull();
    }

    private static ValidateOptionsResult Validate(RoutingOptions options) => new RoutingOptionsValidator().Validate(Options.DefaultName, options);

    private static RoutingOptions Rules(params RoutingRule[] rules) => new() { Rules = [.. rules] };

    private static RoutingRule Rule(string? did, params string[] agents) => new() { Did = did, Agents = [.. agents] };

    private static RoutingOptions Bind(Dictionary<string, string?> environment)
    {
        // The environment-variable provider turns "__" into ":"; the same mapping is applied here.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => e.Value))
            .Build();
        var options = new RoutingOptions();
        configuration.GetSection(RoutingOptions.SectionName).Bind(options);
        return options;
    }
}
