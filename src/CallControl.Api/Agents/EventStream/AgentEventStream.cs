using System.Globalization;
using System.IO.Pipelines;
using CallControl.Api.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallControl.Api.Agents.EventStream;

/// <summary>
/// Serves one agent's <c>conversationUpdate</c> events as <c>text/event-stream</c>: what was stored after the
/// starting sequence, then each update as it commits, in sequence order and without gaps, with heartbeat
/// comments in between. It ends cleanly when the client goes away or the host stops; a client resumes with
/// <c>Last-Event-ID</c>.
/// </summary>
public sealed class AgentEventStream
{
    public const string EventType = "conversationUpdate";
    public const string HeartbeatComment = "heartbeat";

    /// <summary>Updates read per query; a longer backlog is read page after page.</summary>
    public const int PageSize = 500;

    /// <summary>Seconds a refused client is asked to wait before it tries again.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly AgentEventLog _log;
    private readonly AgentDeskWatcher _watcher;
    private readonly AgentEventStreamOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentEventStream> _logger;

    public AgentEventStream(
        AgentEventLog log,
        AgentDeskWatcher watcher,
        IOptions<AgentEventStreamOptions> options,
        IHostApplicationLifetime lifetime,
        TimeProvider time,
        ILogger<AgentEventStream> logger)
    {
        _log = log;
        _watcher = watcher;
        _options = options.Value;
        _lifetime = lifetime;
        _time = time;
        _logger = logger;
    }

    /// <summary>Streams <paramref name="agent"/>'s updates after sequence <paramref name="after"/> until the client leaves or the host stops.</summary>
    public async Task RunAsync(HttpContext http, AgentDeskKey agent, long after)
    {
        if (!_watcher.TryWatch(agent, out var watch))
        {
            http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            await Problems.Create(StatusCodes.Status503ServiceUnavailable, "unavailable", "The service cannot take the request now.",
                $"This instance already serves {_options.MaxConnections} event streams; retry later.").ExecuteAsync(http);
            return;
        }

        using (watch)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _lifetime.ApplicationStopping);
            var response = http.Response;
            response.ContentType = ServerSentEvents.ContentType;
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            try
            {
                // The headers go out now, so the client knows the stream is open before the first update.
                await response.BodyWriter.FlushAsync(stop.Token);
                await PumpAsync(response.BodyWriter, watch, after, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The client left or the host is stopping: ending the response is the clean close.
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // Nothing is lost: the client reconnects with the last id it got and the replay fills in.
                _logger.LogWarning(ex, "Ended the event stream of agent {AgentId}: the database did not answer", agent.AgentId);
            }
        }
    }

    private async Task PumpAsync(PipeWriter output, AgentDeskWatch watch, long after, CancellationToken cancellationToken)
    {
        using var heartbeat = new PeriodicTimer(_options.HeartbeatInterval, _time);
        var beat = heartbeat.WaitForNextTickAsync(cancellationToken).AsTask();

        // The first read replays what was committed before the watch began; later ones follow the watcher.
        var read = true;
        while (true)
        {
            var (latest, moved) = watch.Observe();
            if (read || latest > after)
            {
                var page = await _log.ReadAfterAsync(watch.Agent.TenantId, watch.Agent.AgentId, after, PageSize, cancellationToken);
                var written = 0;
                foreach (var update in page)
                {
                    // Sequences have no gaps, so a missing one has not committed yet and what follows waits for it.
                    if (update.Sequence != after + 1)
                    {
                        break;
                    }

                    ServerSentEvents.WriteEvent(output, update.Sequence, EventType, update.Payload);
                    after = update.Sequence;
                    written++;
                }

                if (written > 0 && (await output.FlushAsync(cancellationToken)).IsCompleted)
                {
                    return;
                }

                read = written == PageSize;
                if (read)
                {
                    continue;
                }
            }

            await Task.WhenAny(moved, beat);
            cancellationToken.ThrowIfCancellationRequested();
            if (beat.IsCompleted)
            {
                ServerSentEvents.WriteComment(output, HeartbeatComment);
                if ((await output.FlushAsync(cancellationToken)).IsCompleted)
                {
                    return;
                }

                beat = heartbeat.WaitForNextTickAsync(cancellationToken).AsTask();
            }
        }
    }
}
