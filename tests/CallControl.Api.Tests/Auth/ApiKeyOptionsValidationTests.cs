using CallControl.Api.Auth;
using Microsoft.Extensions.Options;
using static CallControl.Api.Tests.Auth.ApiKeyStoreTests;

namespace CallControl.Api.Tests.Auth;

public sealed class ApiKeyOptionsValidationTests
{
    private static readonly string ValidHash = Sha256Hex("valid-key");

    [Fact]
    public void AValidEntryPasses()
    {
        var result = Validate(new ApiKeyDefinition { KeyHash = ValidHash, Tenant = "acme.eu_1-x", Scopes = [ApiScopes.Calls, ApiScopes.Agents, ApiScopes.Webhooks] });

        result.Succeeded.ShouldBeTrue(result.FailureMessage);
    }

    [Fact]
    public void AnUppercaseKeyHashIsAccepted()
    {
        var result = Validate(new ApiKeyDefinition { KeyHash = ValidHash.ToUpperInvariant(), Tenant = "acme", Scopes = [ApiScopes.Calls] });

        result.Succeeded.ShouldBeTrue(result.FailureMessage);
    }

    [Fact]
    public void NoKeysFailOutsideDevelopmentNamingTheSettingsToConfigure()
    {
        var result = new ApiKeyOptionsValidator(keysRequired: true).Validate(Microsoft.Extensions.Options.Options.DefaultName, new ApiKeyOptions());

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:0:KeyHash");
        result.FailureMessage.ShouldContain("Auth:ApiKeys:0:Tenant");
        result.FailureMessage.ShouldContain("Auth:ApiKeys:0:Scopes:0");
    }

    [Fact]
    public void NoKeysPassInDevelopment()
    {
        var result = new ApiKeyOptionsValidator(keysRequired: false).Validate(Microsoft.Extensions.Options.Options.DefaultName, new ApiKeyOptions());

        result.Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData(null, "Auth:ApiKeys:1:Tenant is required")]
    [InlineData("", "Auth:ApiKeys:1:Tenant is required")]
    [InlineData("acme corp", "Auth:ApiKeys:1:Tenant 'acme corp' must be 1-64")]
    [InlineData("acme/eu", "Auth:ApiKeys:1:Tenant 'acme/eu' must be 1-64")]
    [InlineData("acme\n", "must be 1-64")]
    [InlineData("t12345678901234567890123456789012345678901234567890123456789012345", "must be 1-64")]
    public void ABadTenantFailsNamingTheEntry(string? tenant, string expected)
    {
        var result = ValidateSecond(new ApiKeyDefinition { KeyHash = ValidHash, Tenant = tenant, Scopes = [ApiScopes.Calls] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain(expected);
    }

    [Fact]
    public void ATenantOfSixtyFourCharactersIsAccepted()
    {
        var result = Validate(new ApiKeyDefinition { KeyHash = ValidHash, Tenant = new string('t', 64), Scopes = [ApiScopes.Calls] });

        result.Succeeded.ShouldBeTrue(result.FailureMessage);
    }

    [Theory]
    [InlineData("Calls")]
    [InlineData("admin")]
    [InlineData("")]
    public void AnUnknownScopeFailsNamingTheEntryAndTheScope(string scope)
    {
        var result = ValidateSecond(new ApiKeyDefinition { KeyHash = ValidHash, Tenant = "acme", Scopes = [ApiScopes.Calls, scope] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain($"Auth:ApiKeys:1:Scopes contains unknown scope '{scope}'");
    }

    [Fact]
    public void AnEntryWithoutScopesFails()
    {
        var result = ValidateSecond(new ApiKeyDefinition { KeyHash = ValidHash, Tenant = "acme" });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:1:Scopes must list at least one of calls, agents, webhooks");
    }

    [Fact]
    public void AnEntryWithBothKeyHashAndKeyFails()
    {
        var result = ValidateSecond(new ApiKeyDefinition { KeyHash = ValidHash, Key = "valid-key", Tenant = "acme", Scopes = [ApiScopes.Calls] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:1: set either KeyHash or Key, not both");
    }

    [Fact]
    public void AnEntryWithNeitherKeyHashNorKeyFails()
    {
        var result = ValidateSecond(new ApiKeyDefinition { Tenant = "acme", Scopes = [ApiScopes.Calls] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:1:KeyHash (hex SHA-256 of the key) or Auth:ApiKeys:1:Key is required");
    }

    [Theory]
    [InlineData("abc123")]
    [InlineData("zz4e1f0e5f8d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b")]
    [InlineData("a94e1f0e5f8d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7")]
    public void AKeyHashThatIsNotSixtyFourHexCharactersFails(string keyHash)
    {
        var result = ValidateSecond(new ApiKeyDefinition { KeyHash = keyHash, Tenant = "acme", Scopes = [ApiScopes.Calls] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:1:KeyHash must be 64 hexadecimal characters");
        result.FailureMessage.ShouldNotContain(keyHash);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("ünïcode")]
    public void APlainKeyNoClientCouldSendFailsWithoutQuotingIt(string key)
    {
        var result = ValidateSecond(new ApiKeyDefinition { Key = key, Tenant = "acme", Scopes = [ApiScopes.Calls] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:1:Key must be 1-512 printable ASCII characters");
        result.FailureMessage.ShouldNotContain(key);
    }

    [Fact]
    public void APlainKeyLongerThanTheLimitFails()
    {
        var result = ValidateSecond(new ApiKeyDefinition { Key = new string('k', ApiKeyStore.MaxKeyLength + 1), Tenant = "acme", Scopes = [ApiScopes.Calls] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:1:Key must be 1-512");
    }

    [Fact]
    public void TheSameKeyConfiguredTwiceFailsNamingBothEntriesEvenWhenOneIsPlainAndOneHashed()
    {
        var result = ValidateSecond(new ApiKeyDefinition { Key = "valid-key", Tenant = "globex", Scopes = [ApiScopes.Calls] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:1: the same key as Auth:ApiKeys:0");
    }

    [Fact]
    public void AnEmptyEntryFailsNamingIt()
    {
        var result = new ApiKeyOptionsValidator(keysRequired: true).Validate(null, new ApiKeyOptions { ApiKeys = [null!] });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Auth:ApiKeys:0: the entry is empty");
    }

    [Fact]
    public void EveryProblemOfEveryEntryIsReportedAtOnce()
    {
        var result = new ApiKeyOptionsValidator(keysRequired: true).Validate(null, Options(
            new ApiKeyDefinition { Tenant = "bad tenant", Scopes = [ApiScopes.Calls] },
            new ApiKeyDefinition { KeyHash = ValidHash, Tenant = "acme", Scopes = ["everything"] }));

        result.Failed.ShouldBeTrue();
        result.Failures.ShouldNotBeNull();
        result.Failures.Count().ShouldBe(3);
        result.FailureMessage.ShouldContain("Auth:ApiKeys:0:Tenant");
        result.FailureMessage.ShouldContain("Auth:ApiKeys:0:KeyHash");
        result.FailureMessage.ShouldContain("Auth:ApiKeys:1:Scopes");
    }

    private static ValidateOptionsResult Validate(ApiKeyDefinition entry) =>
        new ApiKeyOptionsValidator(keysRequired: true).Validate(null, Options(entry));

    /// <summary>Puts the entry under test second so messages must name its index, not just "the entry".</summary>
    private static ValidateOptionsResult ValidateSecond(ApiKeyDefinition entry) =>
        new ApiKeyOptionsValidator(keysRequired: true).Validate(null, Options(
            new ApiKeyDefinition { KeyHash = ValidHash, Tenant = "acme", Scopes = [ApiScopes.Calls] },
            entry));
}
