using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallControl.Api.Routing;

public static class RoutingServiceCollectionExtensions
{
    /// <summary>The consumer of <see cref="Domain.Media.InboundCallReceived"/>; call inside <c>AddMassTransit</c>.</summary>
    public static void AddRoutingConsumers(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<InboundCallConsumer>();
    }

    /// <summary>
    /// Inbound routing: the validated <c>Routing</c> section (a bad one stops the host at start), the router,
    /// the offer timers and the <c>routing</c> subscription. Needs the event store, the conversation command
    /// service and the agent repository registered too.
    /// </summary>
    public static IServiceCollection AddCallControlRouting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RoutingOptions>()
            .Bind(configuration.GetSection(RoutingOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<RoutingTable>();
        services.AddSingleton<InboundRouter>();
        services.AddSingleton<OfferTimers>();
        services.AddEventSubscription<RoutingSubscription>();
        return services;
    }
}
