using CallControl.Api.Conversations;
using CallControl.Domain.Conversations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallControl.Api.Media;

/// <summary>
/// Ends the legs of workers that stopped answering: every live conversation whose worker sent no heartbeat
/// within the timeout (or that never got a worker within it) has its remaining legs reported <c>gone</c> by the
/// system, so no participant stays "connected" on a call that no longer exists. Every API instance sweeps;
/// the decider makes the repeats decide nothing. A worker this instance never heard from counts from the
/// instance's start, so a restart of the API does not end calls on healthy workers.
/// </summary>
public sealed class MediaWorkerWatchdog : BackgroundService
{
    private const string LiveConversations = """
        SELECT tenant_id, id, media_worker_id, started_at FROM conversations
        WHERE state <> 'ended'
        """;

    private readonly NpgsqlDataSource _database;
    private readonly MediaWorkerRegistry _workers;
    private readonly ConversationCommandService _commands;
    private readonly TimeProvider _time;
    private readonly MediaWorkersOptions _options;
    private readonly ILogger<MediaWorkerWatchdog> _logger;

    public MediaWorkerWatchdog(
        NpgsqlDataSource database,
        MediaWorkerRegistry workers,
        ConversationCommandService commands,
        TimeProvider time,
        IOptions<MediaWorkersOptions> options,
        ILogger<MediaWorkerWatchdog> logger)
    {
        _database = database;
        _workers = workers;
        _commands = commands;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.SweepIntervalSeconds), _time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                _logger.LogWarning(ex, "Could not look for conversations on dead media workers; trying again");
            }
        }
    }

    /// <summary>
    /// One pass: finds conversations on dead (or no) workers and ends their legs. Nothing is concluded while this
    /// instance cannot hear heartbeats (see <see cref="MediaWorkerRegistry"/>): a broker restart longer than the
    /// timeout must not end the calls that healthy workers still carry.
    /// </summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (!_workers.IsHearing)
        {
            return;
        }

        var orphans = new List<(string Tenant, string Id, string? Worker)>();
        await using (var connection = await _database.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand(LiveConversations, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var worker = reader.IsDBNull(2) ? null : reader.GetString(2);
                var silence = worker is null ? now - reader.GetFieldValue<DateTimeOffset>(3) : _workers.SilenceOf(worker);
                if (silence > _options.HeartbeatTimeout)
                {
                    orphans.Add((reader.GetString(0), reader.GetString(1), worker));
                }
            }
        }

        foreach (var (tenant, id, worker) in orphans)
        {
            await EndLegsAsync(tenant, id, worker, cancellationToken);
        }
    }

    private async Task EndLegsAsync(string tenant, string conversationId, string? worker, CancellationToken cancellationToken)
    {
        var loaded = await _commands.LoadAsync(tenant, conversationId, cancellationToken);
        if (loaded.State is not Conversation.Live live)
        {
            return;
        }

        _logger.LogWarning(
            "Media worker {WorkerId} of conversation {ConversationId} is silent past {Timeout} s: its legs are gone",
            worker ?? "(none)", conversationId, _options.HeartbeatTimeoutSeconds);
        foreach (var participant in live.Participants.Where(p => p.HasLeg && !p.IsDisconnected))
        {
            await _commands.ExecuteAsync(
                conversationId,
                new CommandOptions(tenant, "media-watchdog"),
                at => new ConversationCommand.ReportLegEnded(participant.Id, DisconnectReason.Gone, null, Initiator.System, at),
                cancellationToken: cancellationToken);
        }
    }
}
