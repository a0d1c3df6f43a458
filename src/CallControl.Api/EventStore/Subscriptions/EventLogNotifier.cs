using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CallControl.Api.EventStore;

/// <summary>
/// Forwards appends to other processes with NOTIFY outside any append transaction, coalescing bursts:
/// however many appends happen while one NOTIFY is in flight, one more follows it.
/// </summary>
public sealed class EventLogNotifier : BackgroundService
{
    public const string Channel = "callcontrol_events";

    private readonly NpgsqlDataSource _dataSource;
    private readonly EventLogSignal _signal;
    private readonly ILogger<EventLogNotifier> _logger;

    public EventLogNotifier(NpgsqlDataSource dataSource, EventLogSignal signal, ILogger<EventLogNotifier> logger)
    {
        _dataSource = dataSource;
        _signal = signal;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitForOutboundAsync(stoppingToken);
                await using var command = _dataSource.CreateCommand($"NOTIFY {Channel}");
                await command.ExecuteNonQueryAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                // Other processes fall back to polling until the database answers again.
                _logger.LogWarning(ex, "Could not notify other processes of new events");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
