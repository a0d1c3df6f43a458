using CallControl.Media.Calls.Engine;
using CallControl.Media.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Consumers;

/// <summary>
/// Declines (480) an offered call that the API neither rang nor refused within
/// <see cref="MediaWorkerOptions.InboundRoutingTimeoutSeconds"/>: with no API listening, a caller is not left ringing.
/// </summary>
public sealed class InboundRoutingTimeout
{
    private readonly LegDirectory _directory;
    private readonly TimeProvider _time;
    private readonly ILogger<InboundRoutingTimeout> _logger;
    private readonly TimeSpan _timeout;

    public InboundRoutingTimeout(LegDirectory directory, IOptions<MediaWorkerOptions> options, TimeProvider time, ILogger<InboundRoutingTimeout> logger)
    {
        _directory = directory;
        _time = time;
        _logger = logger;
        _timeout = TimeSpan.FromSeconds(options.Value.InboundRoutingTimeoutSeconds);
    }

    public async Task RunAsync(MediaEngine engine, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        // A sweep a few times per timeout keeps the overshoot small without a timer per call.
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Min(1000, _timeout.TotalMilliseconds / 4)), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var leg in _directory.ExpireUnrouted(_time.GetUtcNow() - _timeout))
                {
                    _logger.LogWarning("Inbound leg {LegId} was not routed within {Timeout}; declining it with 480", leg.LegId, _timeout);
                    engine.Reject(leg.EngineLegId, 480);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
