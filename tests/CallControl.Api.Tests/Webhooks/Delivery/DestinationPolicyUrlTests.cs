using CallControl.Api.Webhooks.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Tests.Webhooks.Delivery;

public sealed class DestinationPolicyUrlTests
{
    [Theory]
    [InlineData("https://example.com/hooks")]
    [InlineData("http://example.com:8080/hooks?tenant=acme")]
    [InlineData("https://[2001:db8::1]/hooks")]
    [InlineData("https://bücher.example/hooks")]
    [InlineData("http://127.0.0.1/hooks")]
    public void AnAbsoluteHttpOrHttpsUrlWithAHostHasAUsableShape(string url)
    {
        Policies.Production().ValidateUrl(url).ShouldBe((true, null));
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("example.com/hooks", "not an absolute URL")]
    [InlineData("https://", "not an absolute URL")]
    [InlineData("ftp://example.com/hooks", "scheme 'ftp' is not allowed")]
    [InlineData("file:///etc/passwd", "scheme 'file' is not allowed")]
    [InlineData("javascript:alert(1)", "scheme 'javascript' is not allowed")]
    [InlineData("gopher://127.0.0.1:6379/_INFO", "scheme 'gopher' is not allowed")]
    [InlineData("https://user:secret@example.com/hooks", "credentials")]
    [InlineData("https://user@example.com/hooks", "credentials")]
    [InlineData("https://example.com/my hooks", "whitespace")]
    [InlineData(" https://example.com/hooks", "whitespace")]
    [InlineData("https://example.com/hooks\n", "whitespace")]
    [InlineData("https://example.com/\u0000", "control")]
    public void AnUnusableUrlIsRejectedWithTheReason(string? url, string expectedFragment)
    {
        var (ok, error) = Policies.Production().ValidateUrl(url);

        ok.ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldContain(expectedFragment);
    }

    [Fact]
    public void AUrlOfExactlyTheLimitIsAcceptedAndOneCharacterMoreIsNot()
    {
        const string start = "https://example.com/";
        var atLimit = start + new string('a', DestinationPolicy.MaxUrlLength - start.Length);

        DestinationPolicy.MaxUrlLength.ShouldBe(2048);
        Policies.Production().ValidateUrl(atLimit).ShouldBe((true, null));
        Policies.Production().ValidateUrl(atLimit + "a").Error.ShouldNotBeNull().ShouldContain("longer than 2048 characters");
    }

    [Fact]
    public void AUrlThatOnlyExceedsTheLimitOncePercentEncodedIsRejected()
    {
        var url = "https://example.com/" + new string('é', 1000);

        Policies.Production().ValidateUrl(url).Error.ShouldNotBeNull().ShouldContain("once normalised");
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hooks", "127.0.0.1 is a loopback address")]
    [InlineData("http://2130706433/hooks", "127.0.0.1 is a loopback address")]
    [InlineData("http://0x7f.1/hooks", "127.0.0.1 is a loopback address")]
    [InlineData("http://[::1]/hooks", "::1 is a loopback address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/", "is a link-local address")]
    [InlineData("http://10.1.2.3/hooks", "10.1.2.3 is a private network address")]
    [InlineData("https://[fd00::1]/hooks", "fd00::1 is a private network address")]
    [InlineData("http://100.100.100.200/hooks", "carrier-grade NAT")]
    [InlineData("http://0.0.0.0:5080/hooks", "unspecified")]
    public async Task ALiteralNonPublicAddressIsRefusedNamingItsClass(string url, string expectedFragment)
    {
        var (ok, error) = await Policies.Production().CheckResolvedAsync(new Uri(url), CancellationToken.None);

        ok.ShouldBeFalse();
        error.ShouldNotBeNull().ShouldContain(expectedFragment);
    }

    [Theory]
    [InlineData("http://93.184.216.34/hooks")]
    [InlineData("https://[2001:4860:4860::8888]/hooks")]
    public async Task ALiteralPublicAddressIsAllowed(string url)
    {
        (await Policies.Production().CheckResolvedAsync(new Uri(url), CancellationToken.None)).ShouldBe((true, null));
    }

    [Fact]
    public async Task AHostNameIsJudgedByTheAddressesItResolvesTo()
    {
        var (ok, error) = await Policies.Production().CheckResolvedAsync(new Uri("http://localhost:5080/hooks"), CancellationToken.None);

        ok.ShouldBeFalse();
        error.ShouldNotBeNull();
        error.ShouldStartWith("'localhost' resolves to ");
        error.ShouldContain("loopback");
    }

    [Fact]
    public async Task AnAllowlistedHostIsAllowedWithoutBeingResolved()
    {
        // .invalid never resolves, so success shows the allowlist decided before any lookup.
        var policy = Policies.Production("hooks.internal.invalid");

        (await policy.CheckResolvedAsync(new Uri("https://HOOKS.internal.invalid./x"), CancellationToken.None)).ShouldBe((true, null));
    }

    [Fact]
    public async Task AnAllowlistedRangeAllowsALiteralInsideIt()
    {
        var policy = Policies.Production("127.0.0.0/8");

        (await policy.CheckResolvedAsync(new Uri("http://127.0.0.5:9000/hooks"), CancellationToken.None)).ShouldBe((true, null));
    }

    [Fact]
    public async Task InDevelopmentALoopbackReceiverIsAllowedByDefault()
    {
        var policy = Policies.Create(allowPrivateNetworks: null, Environments.Development);

        (await policy.CheckResolvedAsync(new Uri("http://127.0.0.1:5080/hooks"), CancellationToken.None)).ShouldBe((true, null));
    }

    [Fact]
    public async Task TheResolvedCheckAlsoRejectsAnUnusableShape()
    {
        var (ok, error) = await Policies.PrivateAllowed().CheckResolvedAsync(new Uri("ftp://example.com/x"), CancellationToken.None);

        ok.ShouldBeFalse();
        error.ShouldNotBeNull().ShouldContain("scheme 'ftp'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.1.0.0/8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("fd00::1/129")]
    [InlineData("not a host")]
    [InlineData("https://hooks.example.com/")]
    [InlineData("*.example.com")]
    public void AnAllowlistEntryThatIsNeitherHostAddressNorRangeFailsValidationNamingTheEntry(string entry)
    {
        var options = new WebhookDestinationOptions { Allowlist = ["10.0.0.0/8", entry] };

        var result = new WebhookDestinationOptionsValidator().Validate(Options.DefaultName, options);

        result.Failed.ShouldBeTrue();
        result.Failures.ShouldNotBeNull().Single().ShouldStartWith("Webhooks:Destinations:Allowlist:1");
        Should.Throw<OptionsValidationException>(() => Policies.Production("10.0.0.0/8", entry));
    }

    [Fact]
    public void HostNamesAddressesAndRangesAreValidAllowlistEntries()
    {
        var options = new WebhookDestinationOptions { Allowlist = ["hooks.internal.example", "localhost", "10.0.0.0/8", "fd00::/8", "192.168.1.10", "fe80::1"] };

        new WebhookDestinationOptionsValidator().Validate(Options.DefaultName, options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void TheRegisteredPolicyReadsTheWebhooksDestinationsSection()
    {
        using var provider = Services(new Dictionary<string, string?>
        {
            ["Webhooks:Destinations:AllowPrivateNetworks"] = "false",
            ["Webhooks:Destinations:Allowlist:0"] = "10.20.0.0/16",
        }, Environments.Development);

        var policy = provider.GetRequiredService<DestinationPolicy>();

        policy.AllowsPrivateNetworks.ShouldBeFalse();
        policy.CheckAddress(System.Net.IPAddress.Parse("10.20.1.1")).Ok.ShouldBeTrue();
        policy.CheckAddress(System.Net.IPAddress.Parse("10.21.1.1")).Ok.ShouldBeFalse();
        provider.GetRequiredService<WebhookSigner>().ShouldNotBeNull();
    }

    [Fact]
    public void ARegisteredPolicyWithABadAllowlistEntryFailsOptionsValidation()
    {
        using var provider = Services(new Dictionary<string, string?> { ["Webhooks:Destinations:Allowlist:0"] = "10.1.0.0/8" }, Environments.Production);

        var exception = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookDestinationOptions>>().Value);

        exception.Message.ShouldContain("Webhooks:Destinations:Allowlist:0 '10.1.0.0/8' is not a CIDR range");
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings, string environment)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new Policies.NamedEnvironment(environment));
        services.AddWebhookDestinationsAndSigning(configuration);
        return services.BuildServiceProvider();
    }
}
