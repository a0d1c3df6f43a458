using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CallControl.Api.Tests.Webhooks;

/// <summary>A real HTTP receiver on loopback that records what arrives and answers as told.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url => _app.Urls.First().TrimEnd('/') + "/hook";

    /// <summary>Every request that arrived, accepted or not, in arrival order.</summary>
    public IReadOnlyList<Received> All => [.. _received];

    /// <summary>The requests answered 2xx, in arrival order.</summary>
    public IReadOnlyList<Received> Accepted => [.. _received.Where(r => r.Answered < 300)];

    /// <summary>When set, every request is answered 503.</summary>
    public bool Down { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var id = context.Request.Headers["webhook-id"].ToString();
            var status = receiver.Down || receiver.ShouldFail(id) ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status204NoContent;
            receiver._received.Enqueue(new Received(
                id, context.Request.Headers["webhook-timestamp"].ToString(), context.Request.Headers["webhook-signature"].ToString(), body, status, DateTimeOffset.UtcNow));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Answers the message with this webhook-id 503 the next <paramref name="times"/> times.</summary>
    public void Fail(string messageId, int times) => _failuresLeft[messageId] = times;

    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<IReadOnlyList<Received>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(Accepted))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The receiver did not get what was expected; it has {Accepted.Count} accepted of {All.Count} requests.");
            }

            await Task.Delay(50);
        }

        return Accepted;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private bool ShouldFail(string messageId)
    {
        while (_failuresLeft.TryGetValue(messageId, out var left) && left > 0)
        {
            if (_failuresLeft.TryUpdate(messageId, left - 1, left))
            {
                return true;
            }
        }

        return false;
    }

    public sealed record Received(string Id, string Timestamp, string Signature, string Body, int Answered, DateTimeOffset At);
}
