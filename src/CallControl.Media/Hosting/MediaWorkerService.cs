using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Hosting;

/// <summary>
/// The media worker's lifetime: it announces itself and runs until the host stops. The SIP stack, RTP
/// engine and bus consumers hang off this host as they arrive.
/// </summary>
public sealed class MediaWorkerService : BackgroundService
{
    private readonly MediaWorkerOptions _options;
    private readonly ILogger<MediaWorkerService> _logger;

    public MediaWorkerService(IOptions<MediaWorkerOptions> options, ILogger<MediaWorkerService> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _logger.LogInformation("Media worker {WorkerId} started; SIP address {SipAddress}, media ports {MediaPortRange}",
            _options.WorkerId, _options.SipAddress, _options.MediaPortRange);
        await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _logger.LogInformation("Media worker {WorkerId} stopped", _options.WorkerId);
    }
}
