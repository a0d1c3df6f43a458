using CallControl.Api.Health;

namespace CallControl.Api.Hosting;

public static class CallControlServices
{
    /// <summary>Everything the API host runs, given the event store's connection string.</summary>
    public static WebApplicationBuilder AddCallControl(this WebApplicationBuilder builder, string eventStoreConnectionString)
    {
        builder.Services.AddEventStore(eventStoreConnectionString);
        builder.Services.AddCallControlHealth();
        return builder;
    }

    public static WebApplication MapCallControl(this WebApplication app)
    {
        app.MapCallControlHealth();
        return app;
    }
}
