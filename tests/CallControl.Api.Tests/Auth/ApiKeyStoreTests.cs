using System.Collections;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using CallControl.Api.Auth;

namespace CallControl.Api.Tests.Auth;

public sealed class ApiKeyStoreTests
{
    private const string AcmeKey = "acme-7f3c9e1d2b";

    [Fact]
    public void TheConfiguredKeyAuthenticatesAsItsTenantWithItsScopesAndName()
    {
        var store = ApiKeyStore.FromOptions(Options(HashedEntry(AcmeKey, "acme", "acme crm", ApiScopes.Calls, ApiScopes.Agents)), isDevelopment: false);

        store.TryAuthenticate(AcmeKey, out var principal).ShouldBeTrue();

        principal.ShouldNotBeNull();
        principal.Tenant.ShouldBe("acme");
        principal.KeyName.ShouldBe("acme crm");
        principal.Scopes.OrderBy(scope => scope, StringComparer.Ordinal).ShouldBe([ApiScopes.Agents, ApiScopes.Calls]);
        store.IsDevelopmentKeyActive.ShouldBeFalse();
    }

    [Fact]
    public void EachKeyAuthenticatesAsItsOwnTenant()
    {
        var store = ApiKeyStore.FromOptions(
            Options(HashedEntry(AcmeKey, "acme", "acme", ApiScopes.Calls), HashedEntry("globex-key", "globex", "globex", ApiScopes.Webhooks)),
            isDevelopment: false);

        store.TryAuthenticate("globex-key", out var globex).ShouldBeTrue();
        store.TryAuthenticate(AcmeKey, out var acme).ShouldBeTrue();

        globex!.Tenant.ShouldBe("globex");
        acme!.Tenant.ShouldBe("acme");
    }

    [Theory]
    [InlineData("acme-7f3c9e1d2c")]
    [InlineData("acme-7f3c9e1d2")]
    [InlineData("acme-7f3c9e1d2b ")]
    [InlineData("ACME-7F3C9E1D2B")]
    [InlineData("dev-key")]
    public void AWrongKeyIsRejected(string presented)
    {
        var store = ApiKeyStore.FromOptions(Options(HashedEntry(AcmeKey, "acme", "acme", ApiScopes.Calls)), isDevelopment: false);

        store.TryAuthenticate(presented, out var principal).ShouldBeFalse();

        principal.ShouldBeNull();
    }

    [Fact]
    public void AnEmptyKeyIsRejected()
    {
        var store = ApiKeyStore.FromOptions(Options(HashedEntry(AcmeKey, "acme", "acme", ApiScopes.Calls)), isDevelopment: false);

        store.TryAuthenticate(ReadOnlySpan<char>.Empty, out var principal).ShouldBeFalse();

        principal.ShouldBeNull();
    }

    [Fact]
    public void AKeyLongerThanTheLimitIsRejectedEvenWhenItsHashIsConfigured()
    {
        var overlong = new string('k', ApiKeyStore.MaxKeyLength + 1);
        var options = Options(new ApiKeyDefinition { KeyHash = Sha256Hex(overlong), Tenant = "acme", Scopes = [ApiScopes.Calls] });
        var store = ApiKeyStore.FromOptions(options, isDevelopment: false);

        store.TryAuthenticate(overlong, out var principal).ShouldBeFalse();

        principal.ShouldBeNull();
    }

    [Fact]
    public void AKeyOfExactlyTheLimitIsAccepted()
    {
        var longest = new string('k', ApiKeyStore.MaxKeyLength);
        var store = ApiKeyStore.FromOptions(Options(new ApiKeyDefinition { Key = longest, Tenant = "acme", Scopes = [ApiScopes.Calls] }), isDevelopment: false);

        store.TryAuthenticate(longest, out var principal).ShouldBeTrue();

        principal!.Tenant.ShouldBe("acme");
    }

    [Fact]
    public void APlainKeyFromConfigurationAuthenticatesButTheStoreKeepsOnlyItsHash()
    {
        const string plain = "plain-text-key-5b1e";
        var store = ApiKeyStore.FromOptions(Options(new ApiKeyDefinition { Key = plain, Tenant = "acme", Scopes = [ApiScopes.Calls] }), isDevelopment: false);

        store.TryAuthenticate(plain, out var principal).ShouldBeTrue();
        principal!.Tenant.ShouldBe("acme");

        var plainBytes = Encoding.UTF8.GetBytes(plain);
        var hash = SHA256.HashData(plainBytes);
        var reachable = ReachableValues(store);
        reachable.OfType<string>().Any(text => text.Contains(plain, StringComparison.Ordinal)).ShouldBeFalse();
        reachable.OfType<char[]>().Any(chars => new string(chars).Contains(plain, StringComparison.Ordinal)).ShouldBeFalse();
        reachable.OfType<byte[]>().Any(bytes => bytes.AsSpan().IndexOf(plainBytes) >= 0).ShouldBeFalse();
        reachable.OfType<byte[]>().Any(bytes => bytes.AsSpan().SequenceEqual(hash)).ShouldBeTrue();
    }

    [Fact]
    public void AnUnnamedKeyIsLabelledWithItsConfigurationPath()
    {
        var store = ApiKeyStore.FromOptions(
            Options(HashedEntry("first", "acme", "first", ApiScopes.Calls), new ApiKeyDefinition { Key = "second", Tenant = "acme", Scopes = [ApiScopes.Calls] }),
            isDevelopment: false);

        store.TryAuthenticate("second", out var principal).ShouldBeTrue();

        principal!.KeyName.ShouldBe("Auth:ApiKeys:1");
    }

    [Fact]
    public void InDevelopmentWithoutConfiguredKeysOnlyTheDevelopmentKeyWorksForTheDefaultTenantWithAllScopes()
    {
        var store = ApiKeyStore.FromOptions(new ApiKeyOptions(), isDevelopment: true);

        store.IsDevelopmentKeyActive.ShouldBeTrue();
        store.TryAuthenticate("dev-key", out var principal).ShouldBeTrue();
        principal!.Tenant.ShouldBe("default");
        principal.Scopes.OrderBy(scope => scope, StringComparer.Ordinal).ShouldBe([ApiScopes.Agents, ApiScopes.Calls, ApiScopes.Webhooks]);
        store.TryAuthenticate("dev-key2", out _).ShouldBeFalse();
    }

    [Fact]
    public void InDevelopmentWithConfiguredKeysTheDevelopmentKeyIsRejected()
    {
        var store = ApiKeyStore.FromOptions(Options(HashedEntry(AcmeKey, "acme", "acme", ApiScopes.Calls)), isDevelopment: true);

        store.IsDevelopmentKeyActive.ShouldBeFalse();
        store.TryAuthenticate("dev-key", out _).ShouldBeFalse();
        store.TryAuthenticate(AcmeKey, out _).ShouldBeTrue();
    }

    [Fact]
    public void OutsideDevelopmentWithoutConfiguredKeysTheStoreCannotBeBuilt()
    {
        var error = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => ApiKeyStore.FromOptions(new ApiKeyOptions(), isDevelopment: false));

        error.Message.ShouldContain("Auth:ApiKeys:0:KeyHash");
    }

    internal static ApiKeyOptions Options(params ApiKeyDefinition[] entries) => new() { ApiKeys = [.. entries] };

    internal static ApiKeyDefinition HashedEntry(string key, string tenant, string name, params string[] scopes) =>
        new() { KeyHash = Sha256Hex(key), Tenant = tenant, Name = name, Scopes = [.. scopes] };

    internal static string Sha256Hex(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Every object the store references, private fields included: what a heap dump of it would show.</summary>
    private static List<object> ReachableValues(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object>([root]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!seen.Add(current) || current is string || current.GetType().IsPrimitive)
            {
                continue;
            }

            if (current is IEnumerable items and not byte[] and not char[])
            {
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        pending.Push(item);
                    }
                }
            }

            for (var type = current.GetType(); type is not null; type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.GetValue(current) is { } value)
                    {
                        pending.Push(value);
                    }
                }
            }
        }

        return [.. seen];
    }
}
