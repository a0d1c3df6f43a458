using CallControl.Api.Webhooks.Delivery;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Tests.Webhooks.Delivery;

/// <summary>Builds <see cref="DestinationPolicy"/> instances the way the host would, for a named environment.</summary>
internal static class Policies
{
    public static DestinationPolicy Production(params string[] allowlist) => Create(allowPrivateNetworks: null, Environments.Production, allowlist);

    public static DestinationPolicy PrivateAllowed() => Create(allowPrivateNetworks: true, Environments.Production);

    public static DestinationPolicy Create(bool? allowPrivateNetworks, string environmentName, params string[] allowlist) =>
        new(
            Options.Create(new WebhookDestinationOptions { AllowPrivateNetworks = allowPrivateNetworks, Allowlist = [.. allowlist] }),
            new NamedEnvironment(environmentName));

    internal sealed class NamedEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "CallControl.Api";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
