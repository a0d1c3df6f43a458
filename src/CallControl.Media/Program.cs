using CallControl.Media.Hosting;
using CallControl.Media.Hosting.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
var messaging = builder.Configuration.GetMessagingOptions();
var workerId = MediaWorkerOptions.WorkerIdFrom(builder.Configuration);

// The bus first: it starts before the worker and stops after it, so the ends of the legs hung up on the way out are published.
builder.Services.AddMassTransit(bus =>
{
    bus.AddMediaWorkerConsumers(workerId);
    bus.UsingCallControlTransport(messaging, (context, transport) =>
    {
        transport.UseMessageRetry(retry => retry.Intervals(
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)));
        transport.ConfigureEndpoints(context);
    });
});
builder.Services.AddMediaWorker(builder.Configuration);

var host = builder.Build();
var loggers = host.Services.GetRequiredService<ILoggerFactory>();
// MassTransit logs through a process-wide context: point it at this host's loggers before the bus starts.
MassTransit.LogContext.ConfigureCurrentLogContext(loggers);
if (messaging.Transport == MessagingTransport.InMemory)
{
    loggers.CreateLogger("CallControl.Media").LogWarning(
        "The standalone media worker {WorkerId} runs on the in-memory bus: no API can reach it. Set Messaging:Transport to RabbitMq.", workerId);
}

await host.RunAsync();
