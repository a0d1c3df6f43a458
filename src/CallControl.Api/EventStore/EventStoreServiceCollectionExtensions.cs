using CallControl.Api.EventStore;

namespace Microsoft.Extensions.DependencyInjection;

public static class EventStoreServiceCollectionExtensions
{
    /// <summary>
    /// The event store on <paramref name="connectionString"/>: data source, store, rebuilder, the cross-process
    /// notifier and the schema migration that runs before any other hosted service starts.
    /// </summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => EventStoreDataSource.Create(connectionString));
        services.AddSingleton<EventLogSignal>();
        services.AddSingleton<PostgresEventStore>();
        services.AddSingleton<ProjectionRebuilder>();
        services.AddSingleton(new SubscriptionOptions());
        services.AddHostedService<SchemaMigrationService>();
        services.AddHostedService<EventLogNotifier>();
        return services;
    }

    /// <summary>Runs <typeparamref name="TSubscription"/> over the log (one runner across all instances).</summary>
    public static IServiceCollection AddEventSubscription<TSubscription>(this IServiceCollection services)
        where TSubscription : class, IEventSubscription
    {
        services.AddSingleton<TSubscription>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(provider => ActivatorUtilities.CreateInstance<SubscriptionRunner>(
            provider, provider.GetRequiredService<TSubscription>()));
        return services;
    }
}
