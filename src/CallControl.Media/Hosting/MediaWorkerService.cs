using CallControl.Media.Calls.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Hosting;

/// <summary>
/// The media worker's lifetime: it starts the media engine (SIP on the configured address over UDP and TCP,
/// RTP from the configured port range), reports what happens to legs in its log, and stops the engine when the
/// host stops. With nothing yet to route them to, inbound calls are declined with 480 Temporarily Unavailable.
/// </summary>
public sealed class MediaWorkerService : BackgroundService
{
    private readonly MediaWorkerOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<MediaWorkerService> _logger;

    public MediaWorkerService(IOptions<MediaWorkerOptions> options, ILoggerFactory loggers, ILogger<MediaWorkerService> logger)
    {
        _options = options.Value;
        _loggers = loggers;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _logger.LogInformation("Media worker {WorkerId} started; SIP address {SipAddress}, media ports {MediaPortRange}",
            _options.WorkerId, _options.SipAddress, _options.MediaPortRange);
        await using (var engine = MediaEngine.Start(_options.ToEngineOptions(), _loggers))
        {
            _logger.LogInformation("SIP listening on {EndPoints}", string.Join(", ", engine.SipEndPoints));
            await ReportAsync(engine, stoppingToken);
        }

        _logger.LogInformation("Media worker {WorkerId} stopped", _options.WorkerId);
    }

    private async Task ReportAsync(MediaEngine engine, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var fact in engine.Events.ReadAllAsync(stoppingToken))
            {
                if (fact is MediaEvent.LegOffered offered)
                {
                    engine.Reject(offered.LegId, 480);
                }

                _logger.LogInformation("Media {Fact}", fact);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
