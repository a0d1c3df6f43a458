using CallControl.Api.Routing;
using MassTransit;

namespace CallControl.Api.Media;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>
    /// The bus between the API and media workers: in memory when they share the process (the default local
    /// run). Consumers retry a failing message three times (0.1 s, 0.5 s, 2 s) before it is faulted.
    /// </summary>
    public static IServiceCollection AddCallControlMessaging(this IServiceCollection services)
    {
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<MediaFactConsumer>();
            bus.AddRoutingConsumers();
            bus.UsingInMemory((context, transport) =>
            {
                transport.UseMessageRetry(retry => retry.Intervals(
                    TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)));
                transport.ConfigureEndpoints(context);
            });
        });
        return services;
    }
}
