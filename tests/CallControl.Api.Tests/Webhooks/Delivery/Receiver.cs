using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CallControl.Api.Tests.Webhooks.Delivery;

/// <summary>
/// A webhook receiver on a real Kestrel socket at 127.0.0.1 and an ephemeral port: <c>/hook</c> records what
/// arrives and answers 200, <c>/moved</c> answers 302 to <c>/hook</c>, <c>/slow</c> answers after 30 s.
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Receiver(WebApplication app)
    {
        _app = app;
        Map();
    }

    public int Port { get; private set; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public Uri Url(string path, string host = "127.0.0.1") => new($"http://{host}:{Port}{path}");

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new Receiver(builder.Build());
        await receiver._app.StartAsync();
        receiver.Port = new Uri(receiver._app.Urls.Single()).Port;
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map()
    {
        _app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            Received.Enqueue(new ReceivedRequest(
                request.Path,
                request.Headers["webhook-id"].ToString(),
                request.Headers["webhook-timestamp"].ToString(),
                request.Headers["webhook-signature"].ToString(),
                buffer.ToArray()));
            return Results.Ok();
        });
        _app.MapPost("/moved", (HttpRequest request) => Results.Redirect($"{request.Scheme}://{request.Host}/hook"));
        _app.MapPost("/slow", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), aborted);
            return Results.Ok();
        });
    }
}

internal sealed record ReceivedRequest(string Path, string Id, string Timestamp, string Signature, byte[] Body);
