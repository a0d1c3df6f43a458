using CallControl.Api.Agents;
using CallControl.Api.Auth;
using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Api.Health;
using CallControl.Api.Http;
using CallControl.Api.Media;
using CallControl.Api.Observability.Metrics;
using CallControl.Api.Observability.OpenApi;

namespace CallControl.Api.Hosting;

public static class CallControlServices
{
    /// <summary>Everything the API host runs, given the event store's connection string.</summary>
    public static WebApplicationBuilder AddCallControl(this WebApplicationBuilder builder, string eventStoreConnectionString)
    {
        builder.AddCallControlHttp();
        builder.Services.AddCallControlAuth(builder.Configuration, builder.Environment);
        builder.Services.AddRequestValidators();
        builder.Services.AddEventStore(eventStoreConnectionString);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConversationStates>();
        builder.Services.AddSingleton<IInlineProjection, ConversationProjection>();
        builder.Services.AddSingleton<IdempotencyRecords>();
        builder.Services.AddHostedService<IdempotencyExpiry>();
        builder.Services.AddSingleton<ConversationCommandService>();
        builder.Services.AddSingleton<ConversationQueries>();
        builder.Services.AddSingleton<AgentRepository>();
        builder.Services.AddCallControlMessaging();
        builder.Services.AddCallControlHealth();
        builder.Services.AddCallControlMetrics();
        builder.Services.AddCallControlOpenApi();
        return builder;
    }

    public static WebApplication MapCallControl(this WebApplication app)
    {
        app.UseCallControlErrors();
        app.UseCallControlAuth();
        app.MapCallControlHealth();
        app.MapCallControlMetrics();
        app.MapCallControlOpenApi();
        app.MapAgentEndpoints();
        app.MapConversationEndpoints();
        return app;
    }
}
