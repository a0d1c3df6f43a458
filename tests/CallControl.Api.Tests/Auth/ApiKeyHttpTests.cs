using System.Net;
using System.Text.Json;
using CallControl.Api.Auth;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Tests.Auth;

public sealed class ApiKeyHttpTests
{
    private const string CallsOnlyKey = "acme-calls-3c1f0a";
    private const string CallsAndWebhooksKey = "globex-all-8d2e4b";

    /// <summary>One key given in plain text, one as a hash: both configuration forms in every test.</summary>
    private static readonly Dictionary<string, string?> ConfiguredKeys = new()
    {
        ["Auth:ApiKeys:0:Key"] = CallsOnlyKey,
        ["Auth:ApiKeys:0:Tenant"] = "acme",
        ["Auth:ApiKeys:0:Scopes:0"] = "calls",
        ["Auth:ApiKeys:0:Name"] = "acme crm",
        ["Auth:ApiKeys:1:KeyHash"] = ApiKeyStoreTests.Sha256Hex(CallsAndWebhooksKey),
        ["Auth:ApiKeys:1:Tenant"] = "globex",
        ["Auth:ApiKeys:1:Scopes:0"] = "calls",
        ["Auth:ApiKeys:1:Scopes:1"] = "webhooks",
        ["Auth:ApiKeys:1:Name"] = "globex desk",
    };

    [Fact]
    public async Task WithoutAnAuthorizationHeaderTheAnswerIs401ProblemWithABearerChallenge()
    {
        await using var host = await AuthTestHost.StartAsync("Production", ConfiguredKeys);

        using var response = await host.Client.GetAsync("/probe/calls");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Select(challenge => challenge.Scheme).ShouldBe(["Bearer"]);
        await ShouldBeProblemAsync(response, "urn:callcontrol:problem:unauthorized", 401, "Authorization: Bearer <api key>");
    }

    [Theory]
    [InlineData("Bearer", "acme-calls-3c1f0b")]
    [InlineData("Bearer", "acme-calls-3c1f0")]
    [InlineData("Bearer", "dev-key")]
    [InlineData("Basic", CallsOnlyKey)]
    [InlineData("ApiKey", CallsOnlyKey)]
    public async Task AWrongKeyOrSchemeIs401WithAnInvalidTokenChallenge(string scheme, string key)
    {
        await using var host = await AuthTestHost.StartAsync("Production", ConfiguredKeys);

        using var response = await SendAsync(host, "/probe/calls", $"{scheme} {key}");

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
        await ShouldBeProblemAsync(response, "urn:callcontrol:problem:unauthorized", 401, "");
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer acme-calls-3c1f0a extra")]
    public async Task AnAuthorizationHeaderWithoutExactlyOneTokenIs401(string header)
    {
        await using var host = await AuthTestHost.StartAsync("Production", ConfiguredKeys);

        using var response = await SendAsync(host, "/probe/calls", header);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await ShouldBeProblemAsync(response, "urn:callcontrol:problem:unauthorized", 401, "exactly one bearer token");
    }

    [Fact]
    public async Task AnOverlongKeyIs401()
    {
        await using var host = await AuthTestHost.StartAsync("Production", ConfiguredKeys);

        using var response = await SendAsync(host, "/probe/calls", "Bearer " + new string('k', ApiKeyStore.MaxKeyLength + 1));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await ShouldBeProblemAsync(response, "urn:callcontrol:problem:unauthorized", 401, "not valid");
    }

    [Fact]
    public async Task AValidKeyWithoutTheScopeIs403ProblemNamingTheMissingScope()
    {
        await using var host = await AuthTestHost.StartAsync("Production", ConfiguredKeys);

        using var response = await SendAsync(host, "/probe/webhooks", "Bearer " + CallsOnlyKey);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        response.Headers.WwwAuthenticate.ShouldBeEmpty();
        await ShouldBeProblemAsync(response, "urn:callcontrol:problem:forbidden", 403, "'webhooks' scope");
    }

    [Theory]
    [InlineData(CallsOnlyKey, "/probe/calls", "acme")]
    [InlineData(CallsAndWebhooksKey, "/probe/calls", "globex")]
    [InlineData(CallsAndWebhooksKey, "/probe/webhooks", "globex")]
    public async Task TheRightKeyIs200AndTheEndpointSeesItsTenant(string key, string path, string tenant)
    {
        await using var host = await AuthTestHost.StartAsync("Production", ConfiguredKeys);

        using var response = await SendAsync(host, path, "Bearer " + key);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe(tenant);
    }

    [Fact]
    public async Task TheBearerSchemeNameIsCaseInsensitive()
    {
        await using var host = await AuthTestHost.StartAsync("Production", ConfiguredKeys);

        using var response = await SendAsync(host, "/probe/calls", "bearer " + CallsOnlyKey);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task NeitherTheKeyNorItsHashIsEverLoggedAtAnyLevel()
    {
        await using var host = await AuthTestHost.StartAsync("Production", ConfiguredKeys);

        (await SendAsync(host, "/probe/calls", "Bearer " + CallsOnlyKey)).Dispose();
        (await SendAsync(host, "/probe/webhooks", "Bearer " + CallsOnlyKey)).Dispose();
        (await SendAsync(host, "/probe/calls", "Bearer " + CallsAndWebhooksKey + "x")).Dispose();

        var secrets = new[]
        {
            CallsOnlyKey,
            CallsAndWebhooksKey,
            ApiKeyStoreTests.Sha256Hex(CallsOnlyKey),
            ApiKeyStoreTests.Sha256Hex(CallsAndWebhooksKey),
        };
        var text = string.Join("\n", host.Logs.Entries.Select(entry => entry.Message));
        foreach (var secret in secrets)
        {
            text.ShouldNotContain(secret, Case.Insensitive);
        }

        host.Logs.Entries.ShouldContain(entry => entry.Level == LogLevel.Debug && entry.Message.Contains("acme crm lacks scope webhooks", StringComparison.Ordinal));
        host.Logs.Entries.Where(entry => entry.Message.Contains("acme crm", StringComparison.Ordinal)).ShouldAllBe(entry => entry.Level <= LogLevel.Debug);
    }

    [Fact]
    public async Task InDevelopmentWithoutConfiguredKeysTheDevelopmentKeyWorksForTheDefaultTenantAndAWarningIsLogged()
    {
        await using var host = await AuthTestHost.StartAsync("Development", new Dictionary<string, string?>());

        using var calls = await SendAsync(host, "/probe/calls", "Bearer dev-key");
        using var webhooks = await SendAsync(host, "/probe/webhooks", "Bearer dev-key");
        using var wrong = await SendAsync(host, "/probe/calls", "Bearer dev-key-2");

        calls.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await calls.Content.ReadAsStringAsync()).ShouldBe("default");
        webhooks.StatusCode.ShouldBe(HttpStatusCode.OK);
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        host.Logs.Entries.ShouldContain(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("development key 'dev-key'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InDevelopmentWithConfiguredKeysTheDevelopmentKeyIsRefused()
    {
        await using var host = await AuthTestHost.StartAsync("Development", ConfiguredKeys);

        using var devKey = await SendAsync(host, "/probe/calls", "Bearer dev-key");
        using var configured = await SendAsync(host, "/probe/calls", "Bearer " + CallsOnlyKey);

        devKey.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        configured.StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Logs.Entries.ShouldNotContain(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("dev-key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task OutsideDevelopmentWithoutKeysTheServiceRefusesToStartNamingTheSettings(string environment)
    {
        await using var app = AuthTestHost.Build(environment, new Dictionary<string, string?>(), new CapturedLogs());

        var error = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());

        error.Message.ShouldContain("No API keys are configured");
        error.Message.ShouldContain("Auth:ApiKeys:0:KeyHash");
        error.Message.ShouldContain("Auth:ApiKeys:0:Tenant");
    }

    [Fact]
    public async Task ABadEntryStopsStartupEvenInDevelopmentNamingTheEntryAndTheProblem()
    {
        var settings = new Dictionary<string, string?>(ConfiguredKeys)
        {
            ["Auth:ApiKeys:1:Scopes:1"] = "admin",
        };
        await using var app = AuthTestHost.Build("Development", settings, new CapturedLogs());

        var error = await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());

        error.Message.ShouldContain("Auth:ApiKeys:1:Scopes contains unknown scope 'admin'");
    }

    private static async Task<HttpResponseMessage> SendAsync(AuthTestHost host, string path, string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization).ShouldBeTrue();
        return await host.Client.SendAsync(request);
    }

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, string type, int status, string detailContains)
    {
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = problem.RootElement;
        root.GetProperty("type").GetString().ShouldBe(type);
        root.GetProperty("status").GetInt32().ShouldBe(status);
        root.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        root.GetProperty("detail").GetString().ShouldNotBeNull().ShouldContain(detailContains);
    }
}
