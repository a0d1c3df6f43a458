using MassTransit;
using Microsoft.Extensions.Configuration;

namespace CallControl.Media.Hosting.Messaging;

public static class MessagingTransportExtensions
{
    /// <summary>Reads the <c>Messaging</c> section; a missing section is the in-memory transport.</summary>
    public static MessagingOptions GetMessagingOptions(this IConfiguration configuration)
    {
        var options = configuration.GetSection(MessagingOptions.SectionName).Get<MessagingOptions>() ?? new MessagingOptions();
        if (options.Transport == MessagingTransport.RabbitMq)
        {
            var rabbit = options.RabbitMq;
            if (string.IsNullOrWhiteSpace(rabbit.Host) || rabbit.Port is < 1 or > 65535 || string.IsNullOrEmpty(rabbit.Username))
            {
                throw new InvalidOperationException("Messaging:RabbitMq needs Host, Port (1-65535) and Username.");
            }
        }

        return options;
    }

    /// <summary>
    /// Configures the endpoints of the registered consumers on the transport <see cref="UsingCallControlTransport"/>
    /// hands its callback, whose type (in memory or RabbitMQ) is only known at run time.
    /// </summary>
    public static void ConfigureEndpoints(this IBusFactoryConfigurator transport, IBusRegistrationContext context)
    {
        switch (transport)
        {
            case IInMemoryBusFactoryConfigurator inMemory:
                RegistrationContextExtensions.ConfigureEndpoints(inMemory, context);
                break;
            case IRabbitMqBusFactoryConfigurator rabbit:
                RegistrationContextExtensions.ConfigureEndpoints(rabbit, context);
                break;
            default:
                throw new InvalidOperationException($"No endpoint configuration for the transport {transport.GetType().Name}.");
        }
    }

    /// <summary>
    /// Puts the bus on the configured transport and lets <paramref name="configure"/> add what both hosts
    /// share (retries, endpoints). On RabbitMQ, messages are durable and a publish waits for the broker's
    /// confirmation, so a command or fact the sender was told is sent survives a broker restart.
    /// </summary>
    public static void UsingCallControlTransport(
        this IBusRegistrationConfigurator bus,
        MessagingOptions options,
        Action<IBusRegistrationContext, IBusFactoryConfigurator> configure)
    {
        switch (options.Transport)
        {
            case MessagingTransport.InMemory:
                bus.UsingInMemory((context, transport) => configure(context, transport));
                break;
            case MessagingTransport.RabbitMq:
                bus.UsingRabbitMq((context, transport) =>
                {
                    var rabbit = options.RabbitMq;
                    transport.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, host =>
                    {
                        host.Username(rabbit.Username);
                        host.Password(rabbit.Password);
                        host.Heartbeat(TimeSpan.FromSeconds(rabbit.HeartbeatSeconds));
                        host.PublisherConfirmation = true;
                    });
                    configure(context, transport);
                });
                break;
            default:
                throw new InvalidOperationException($"Unknown messaging transport {options.Transport}.");
        }
    }
}
