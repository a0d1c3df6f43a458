using CallControl.Media.Hosting;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddMediaWorker(builder.Configuration);
await builder.Build().RunAsync();
