using CallControl.Media.Calls.Engine;
using CallControl.Media.Consumers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Hosting;

/// <summary>
/// The media worker's lifetime: it starts the media engine (SIP on the configured address over UDP and TCP,
/// RTP from the configured port range) and, around it, the fact pump and its publisher, the heartbeat and the
/// inbound routing timeout. Stopping hangs up every leg and gives their ends a moment to be published.
/// </summary>
public sealed class MediaWorkerService : IHostedService, IAsyncDisposable
{
    // How long stopping waits for the last facts (the legs hung up on the way out) to be published.
    private static readonly TimeSpan DrainPatience = TimeSpan.FromSeconds(5);

    private readonly MediaWorkerOptions _options;
    private readonly MediaEngineHolder _holder;
    private readonly MediaFactPump _pump;
    private readonly FactPublisher _publisher;
    private readonly HeartbeatSender _heartbeat;
    private readonly InboundRoutingTimeout _routing;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly ILogger<MediaWorkerService> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abandonPublishing = new();
    private MediaEngine? _engine;
    private Task _running = Task.CompletedTask;
    private Task _publishing = Task.CompletedTask;

    public MediaWorkerService(
        IOptions<MediaWorkerOptions> options,
        MediaEngineHolder holder,
        MediaFactPump pump,
        FactPublisher publisher,
        HeartbeatSender heartbeat,
        InboundRoutingTimeout routing,
        ILoggerFactory loggers,
        TimeProvider time,
        ILogger<MediaWorkerService> logger)
    {
        _options = options.Value;
        _holder = holder;
        _pump = pump;
        _publisher = publisher;
        _heartbeat = heartbeat;
        _routing = routing;
        _loggers = loggers;
        _time = time;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Media worker {WorkerId} started; SIP address {SipAddress}, media ports {MediaPortRange}",
            _options.WorkerId, _options.SipAddress, _options.MediaPortRange);
        Directory.CreateDirectory(_options.RecordingDirectory);
        var engine = MediaEngine.Start(_options.ToEngineOptions(), _loggers, _time);
        _engine = engine;
        _logger.LogInformation("SIP listening on {EndPoints}", string.Join(", ", engine.SipEndPoints));
        var startedAt = _time.GetUtcNow();
        _publishing = Task.Run(() => _publisher.RunAsync(_abandonPublishing.Token), CancellationToken.None);
        _running = Task.WhenAll(
            Task.Run(() => _pump.RunAsync(engine), CancellationToken.None),
            Task.Run(() => _heartbeat.RunAsync(engine, startedAt, _stopping.Token), CancellationToken.None),
            Task.Run(() => _routing.RunAsync(engine, _stopping.Token), CancellationToken.None));
        _holder.SetStarted(engine);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_engine is not { } engine)
        {
            return;
        }

        await _stopping.CancelAsync();
        // Disposing hangs up every leg and ends the engine's facts, so the pump finishes after their ends.
        await engine.DisposeAsync();
        await _running;
        _publisher.Complete();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(DrainPatience);
        await using (patience.Token.Register(_abandonPublishing.Cancel))
        {
            await _publishing;
        }

        _engine = null;
        _logger.LogInformation("Media worker {WorkerId} stopped", _options.WorkerId);
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is { } engine)
        {
            await engine.DisposeAsync();
        }

        _stopping.Dispose();
        _abandonPublishing.Dispose();
    }
}
