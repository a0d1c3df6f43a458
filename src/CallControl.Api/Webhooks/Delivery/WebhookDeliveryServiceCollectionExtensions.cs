using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CallControl.Api.Webhooks.Delivery;

public static class WebhookDeliveryServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="DestinationPolicy"/> bound to <c>Webhooks:Destinations</c> (validated at start, so a bad allowlist
    /// entry stops the host) and <see cref="WebhookSigner"/> on the registered <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddWebhookDestinationsAndSigning(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<WebhookDestinationOptions>()
            .Bind(configuration.GetSection(WebhookDestinationOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookDestinationOptions>, WebhookDestinationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DestinationPolicy>();
        services.TryAddSingleton<WebhookSigner>();
        return services;
    }
}
