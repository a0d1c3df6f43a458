using CallControl.Domain.Media;
using CallControl.Media.Consumers;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Hosting;

public static class MediaWorkerServiceCollectionExtensions
{
    /// <summary>
    /// The media worker: its engine, the directory of its legs, the pump that publishes their facts, the heartbeat
    /// and the inbound routing timeout, with its options checked at start (a bad setting stops the host with its
    /// reason). The bus is the host's: it needs MassTransit registered, and the command consumer on it with
    /// <see cref="AddMediaWorkerConsumers"/>. Register the bus first, so that it is still running while the
    /// worker stops and publishes the ends of the legs it hangs up.
    /// </summary>
    public static IServiceCollection AddMediaWorker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MediaWorkerOptions>()
            .Bind(configuration.GetSection(MediaWorkerOptions.SectionName))
            .PostConfigure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.WorkerId))
                {
                    options.WorkerId = MediaWorkerOptions.DefaultWorkerId;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MediaWorkerOptions>, MediaWorkerOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<MediaEngineHolder>();
        services.AddSingleton<LegDirectory>();
        services.AddSingleton<FactPublisher>();
        services.AddSingleton<MediaFactPump>();
        services.AddSingleton<HeartbeatSender>();
        services.AddSingleton<InboundRoutingTimeout>();
        services.AddHostedService<MediaWorkerService>();
        return services;
    }

    /// <summary>
    /// The worker's command consumer on its own queue, <see cref="MediaQueues.ForWorker"/>(<paramref name="workerId"/>),
    /// one message at a time so that a leg's commands are carried out in order. The queue takes only commands sent
    /// to it: it is bound to no published message type.
    /// </summary>
    public static IBusRegistrationConfigurator AddMediaWorkerConsumers(this IBusRegistrationConfigurator bus, string workerId)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
        bus.AddConsumer<MediaCommandConsumer>()
            .Endpoint(endpoint =>
            {
                endpoint.Name = MediaQueues.ForWorker(workerId);
                endpoint.ConcurrentMessageLimit = 1;
                endpoint.ConfigureConsumeTopology = false;
            });
        return bus;
    }

    private sealed class MediaWorkerOptionsValidator : IValidateOptions<MediaWorkerOptions>
    {
        public ValidateOptionsResult Validate(string? name, MediaWorkerOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
