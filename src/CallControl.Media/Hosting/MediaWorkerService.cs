using System.Net;
using CallControl.Media.Rtp;
using CallControl.Media.Sdp;
using CallControl.Media.Sip;
using CallControl.Media.Sip.Transport;
using CallControl.Media.Sip.UserAgent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Hosting;

/// <summary>
/// The media worker's lifetime: it starts the SIP stack on the configured address (UDP and TCP), reports
/// what happens to calls in its log, and stops the stack when the host stops. Until the call layer takes
/// inbound calls, each is declined with 480 Temporarily Unavailable.
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
        var address = IPEndPoint.Parse(_options.SipAddress);
        var (low, high) = _options.PortRange;
        var ports = new RtpPortRange(low, high);
        await using (var stack = SipStack.Start(
            new SipStackOptions { ListenOn = [SipEndPoint.Udp(address), SipEndPoint.Tcp(address)] },
            _ => new SdpLocalMedia(address.Address, ports.Next()),
            _loggers))
        {
            _logger.LogInformation("SIP listening on {EndPoints}", string.Join(", ", stack.LocalEndPoints));
            await ReportAsync(stack.UserAgent, stoppingToken);
        }

        _logger.LogInformation("Media worker {WorkerId} stopped", _options.WorkerId);
    }

    private async Task ReportAsync(SipUserAgent userAgent, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var fact in userAgent.Events.ReadAllAsync(stoppingToken))
            {
                if (fact is SipCallEvent.Offered offered)
                {
                    offered.Call.Reject(480);
                }

                _logger.LogInformation("SIP {Fact}", fact);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
