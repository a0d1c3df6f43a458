using CallControl.Api.Agents;
using CallControl.Api.Agents.EventStream;
using CallControl.Api.Auth;
using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Api.Health;
using CallControl.Api.Http;
using CallControl.Api.Media;
using CallControl.Api.Observability.Metrics;
using CallControl.Api.Observability.OpenApi;
using CallControl.Api.Routing;
using CallControl.Api.Webhooks;
using CallControl.Api.Webhooks.Delivery;
using CallControl.Api.Webhooks.Fanout;
using CallControl.Api.Webhooks.Sending;
using CallControl.Api.Webhooks.Subscriptions;

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
        builder.Services.AddOptions<CommandWaitOptions>()
            .Bind(builder.Configuration.GetSection(CommandWaitOptions.SectionName))
            .Validate(o => o.WaitPollMilliseconds is >= 10 and <= 10_000, $"{CommandWaitOptions.SectionName}:WaitPollMilliseconds must be from 10 to 10000.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ConversationCommandService>();
        builder.Services.AddSingleton<ConversationQueries>();
        builder.Services.AddSingleton<AgentRepository>();
        builder.Services.AddAgentEventStream(builder.Configuration);
        builder.Services.AddWebhookDestinationsAndSigning(builder.Configuration);
        builder.Services.Configure<WebhookSendingOptions>(builder.Configuration.GetSection(WebhookSendingOptions.SectionName));
        builder.Services.AddSingleton<WebhookSubscriptionStore>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddHostedService(services => services.GetRequiredService<WebhookSender>());
        builder.Services.AddEventSubscription<WebhookFanout>();
        builder.Services.AddCallControlMessaging(builder.Configuration);
        builder.Services.AddCallControlRouting(builder.Configuration);
        builder.Services.AddCallControlHealth();
        builder.Services.AddCallControlMetrics();
        builder.Services.AddCallControlOpenApi();
        return builder;
    }

    public static WebApplication MapCallControl(this WebApplication app)
    {
        // MassTransit logs through a process-wide context; point it at this host's loggers before its bus is
        // built, or a host started after another one stopped would reach for the stopped host's loggers.
        MassTransit.LogContext.ConfigureCurrentLogContext(app.Services.GetRequiredService<ILoggerFactory>());

        app.UseCallControlErrors();
        app.UseCallControlAuth();
        app.MapCallControlHealth();
        app.MapCallControlMetrics();
        var metrics = app.Services.GetRequiredService<CallControlMetrics>();
        foreach (var runner in app.Services.GetServices<IHostedService>().OfType<SubscriptionRunner>())
        {
            metrics.ReportSubscriptionLag(runner.Name, () => runner.LagSeconds);
        }

        app.MapCallControlOpenApi();
        app.MapAgentEndpoints();
        app.MapAgentEventStream();
        app.MapConversationEndpoints();
        app.MapWebhookEndpoints();
        return app;
    }
}
