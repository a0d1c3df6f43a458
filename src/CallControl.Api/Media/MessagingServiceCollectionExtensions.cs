using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Api.Routing;
using CallControl.Domain.Media;
using CallControl.Media.Hosting;
using CallControl.Media.Hosting.Messaging;
using MassTransit;

namespace CallControl.Api.Media;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>Conversations' facts are handled in this many lanes; one conversation's facts always share a lane, in order.</summary>
    public const int FactLanes = 32;

    /// <summary>
    /// The bus between the API and media workers, on the configured transport (<c>Messaging:Transport</c>):
    /// in memory when they share the process (the default local run, which then hosts a worker too), RabbitMQ
    /// when they run apart. Consumers retry a failing message three times (0.1 s, 0.5 s, 2 s) before it is
    /// faulted. Also registers media dispatch, the worker registry and the watchdog for dead workers.
    /// </summary>
    public static IServiceCollection AddCallControlMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        var messaging = configuration.GetMessagingOptions();
        var workers = configuration.GetSection(MediaWorkersOptions.SectionName).Get<MediaWorkersOptions>() ?? new MediaWorkersOptions();
        var inProcess = workers.InProcess ?? messaging.Transport == MessagingTransport.InMemory;
        services.AddOptions<MediaWorkersOptions>()
            .Bind(configuration.GetSection(MediaWorkersOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<MediaWorkerRegistry>();
        services.AddSingleton<MediaCommandSender>();
        services.AddSingleton<IConversationAppendObserver>(provider => provider.GetRequiredService<MediaCommandSender>());
        services.AddSingleton<MediaWorkerHeartbeatHearing>();
        services.AddHostedService<MediaWorkerWatchdog>();
        services.AddEventSubscription<MediaDispatch>();
        var instance = Guid.NewGuid().ToString("N")[..12];
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<MediaFactConsumer, MediaFactConsumerDefinition>();
            bus.AddRoutingConsumers();
            bus.AddConsumer<MediaWorkerHeartbeatConsumer, MediaWorkerHeartbeatConsumerDefinition>().Endpoint(endpoint =>
            {
                // Every instance needs every heartbeat: a queue of its own, gone when the instance is.
                endpoint.Name = "media-heartbeats";
                endpoint.InstanceId = instance;
                endpoint.Temporary = true;
            });
            if (inProcess)
            {
                bus.AddMediaWorkerConsumers(MediaWorkerOptions.WorkerIdFrom(configuration));
            }

            bus.UsingCallControlTransport(messaging, (context, transport) =>
            {
                transport.UseMessageRetry(retry => retry.Intervals(
                    TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)));
                transport.ConfigureEndpoints(context);
            });
        });
        if (inProcess)
        {
            // After the bus, so the bus still runs while the worker stops and the ends of its legs get out.
            services.AddMediaWorker(configuration);
        }

        return services;
    }
}

/// <summary>Facts of one conversation are decided one at a time and in the order they arrived; different conversations run side by side.</summary>
public sealed class MediaFactConsumerDefinition : ConsumerDefinition<MediaFactConsumer>
{
    /// <summary>Facts taken from the queue ahead of being decided (at most this many in flight).</summary>
    public const int Prefetch = 2 * MessagingServiceCollectionExtensions.FactLanes;

    public MediaFactConsumerDefinition()
    {
        EndpointName = "media-facts";
        // Every lane busy, with as many facts again taken and waiting; the transports' defaults follow the core count.
        ConcurrentMessageLimit = MessagingServiceCollectionExtensions.FactLanes;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<MediaFactConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = Prefetch;
        var lanes = endpointConfigurator.CreatePartitioner(MessagingServiceCollectionExtensions.FactLanes);
        InLane<LegAlerting>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegAnswered>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegHeld>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegResumed>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegMuted>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegUnmuted>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegRemoteHoldChanged>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegCommandFailed>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegEnded>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<LegTransferRequested>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<DigitsReceived>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<RecordingStarted>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<RecordingStopped>(consumerConfigurator, lanes, m => m.ConversationId);
        InLane<RecordingFailed>(consumerConfigurator, lanes, m => m.ConversationId);
    }

    private static void InLane<T>(IConsumerConfigurator<MediaFactConsumer> consumer, IPartitioner lanes, Func<T, string> conversation)
        where T : class =>
        consumer.Message<T>(message => message.UsePartitioner(lanes, context => conversation(context.Message)));
}
