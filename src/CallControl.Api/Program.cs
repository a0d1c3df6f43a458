using CallControl.Api.Hosting;
using CallControl.Api.LocalPostgres;

var builder = WebApplication.CreateBuilder(args);

using var startupLogging = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole());
var startupLogger = startupLogging.CreateLogger("CallControl.Startup");

EventStoreDatabase database;
try
{
    database = await EventStoreDatabase.OpenAsync(builder.Configuration, startupLogger);
}
catch (LocalPostgresException ex)
{
    startupLogger.LogCritical("Cannot start: {Reason}", ex.Message);
    return 1;
}

await using (database)
{
    builder.AddCallControl(database.ConnectionString);
    var app = builder.Build();
    app.MapCallControl();
    await app.RunAsync();
}

return 0;
