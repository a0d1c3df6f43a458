using System.Globalization;
using CallControl.Domain.Media;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Hosting;
using CallControl.Media.Sip.Transport;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Consumers;

/// <summary>
/// Tells the API every <see cref="MediaWorkerOptions.HeartbeatIntervalSeconds"/> that this worker is alive. A
/// heartbeat that cannot be published is skipped, not queued: only the latest one means anything.
/// </summary>
public sealed class HeartbeatSender
{
    private readonly IBus _bus;
    private readonly LegDirectory _directory;
    private readonly TimeProvider _time;
    private readonly ILogger<HeartbeatSender> _logger;
    private readonly MediaWorkerOptions _options;

    public HeartbeatSender(IBus bus, LegDirectory directory, IOptions<MediaWorkerOptions> options, TimeProvider time, ILogger<HeartbeatSender> logger)
    {
        _bus = bus;
        _directory = directory;
        _time = time;
        _logger = logger;
        _options = options.Value;
    }

    public async Task RunAsync(MediaEngine engine, DateTimeOffset startedAt, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var interval = TimeSpan.FromSeconds(_options.HeartbeatIntervalSeconds);
        var sip = engine.SipEndPoints.FirstOrDefault(e => e.Kind == SipTransportKind.Udp).EndPoint ?? engine.SipEndPoints[0].EndPoint;
        var sipAddress = sip.ToString();
        using var timer = new PeriodicTimer(interval, _time);
        var failing = false;
        do
        {
            try
            {
                using var patience = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                patience.CancelAfter(interval);
                await _bus.Publish(
                    new MediaWorkerHeartbeat(_options.WorkerId, sipAddress, _directory.ActiveLegs, startedAt, _time.GetUtcNow()), patience.Token);
                if (failing)
                {
                    _logger.LogInformation("Heartbeats are published again");
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                if (!failing)
                {
                    _logger.LogWarning(exception, "Heartbeat not published; trying again every {Interval} s",
                        _options.HeartbeatIntervalSeconds.ToString(CultureInfo.InvariantCulture));
                    failing = true;
                }
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
