using System.IO.Pipelines;
using System.Net;
using System.Threading.Channels;

namespace CallControl.Api.Tests.AgentEvents;

/// <summary>
/// An open event stream: a background reader parses blocks as they arrive, so a test can wait for the next one
/// with a deadline without cancelling (and so breaking) the read on the connection.
/// </summary>
public sealed class SseConnection : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseMessage> _messages = Channel.CreateUnbounded<SseMessage>();
    private readonly Task _pump;

    private SseConnection(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _pump = PumpAsync(PipeReader.Create(body));
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Completes when the stream is over, ended by either side.</summary>
    public Task Completion => _messages.Reader.Completion;

    /// <summary>Whether the server ended the response properly (rather than the connection breaking).</summary>
    public bool EndedCleanly { get; private set; }

    /// <summary>Opens the stream; fails the test unless the answer is 200.</summary>
    public static async Task<SseConnection> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            Assert.Fail($"GET {path} answered {(int)response.StatusCode}: {body}");
        }

        return new SseConnection(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next block, heartbeat or event.</summary>
    public async Task<SseMessage> ReadAsync(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            return await _messages.Reader.ReadAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"No event-stream block arrived within {within}.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The server ended the stream.");
        }
    }

    /// <summary>The next event, passing over heartbeats.</summary>
    public async Task<SseMessage> ReadEventAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var message = await ReadAsync(Max(deadline - DateTime.UtcNow, TimeSpan.Zero));
            if (message.IsEvent)
            {
                return message;
            }
        }
    }

    /// <summary>The next <paramref name="count"/> events, passing over heartbeats.</summary>
    public async Task<IReadOnlyList<SseMessage>> ReadEventsAsync(int count, TimeSpan within)
    {
        var events = new List<SseMessage>();
        var deadline = DateTime.UtcNow + within;
        while (events.Count < count)
        {
            events.Add(await ReadEventAsync(Max(deadline - DateTime.UtcNow, TimeSpan.Zero)));
        }

        return events;
    }

    /// <summary>Events that arrive within <paramref name="quiet"/>; heartbeats are passed over.</summary>
    public async Task<IReadOnlyList<SseMessage>> DrainEventsAsync(TimeSpan quiet)
    {
        var events = new List<SseMessage>();
        var deadline = DateTime.UtcNow + quiet;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var message = await ReadAsync(deadline - DateTime.UtcNow);
                if (message.IsEvent)
                {
                    events.Add(message);
                }
            }
            catch (TimeoutException)
            {
                break;
            }
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private async Task PumpAsync(PipeReader reader)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (SseParser.TryParseMessage(ref buffer, out var message))
                {
                    _messages.Writer.TryWrite(message);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    EndedCleanly = true;
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // The test closed the connection, or the server dropped it: either way the stream is over.
        }
        finally
        {
            _messages.Writer.TryComplete();
            await reader.CompleteAsync();
        }
    }
}
