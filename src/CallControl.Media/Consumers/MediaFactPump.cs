using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Hosting;
using CallControl.Media.Sip.UserAgent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Consumers;

/// <summary>
/// Reads the engine's facts in order and turns each into the contract's fact for the leg's tenant and
/// conversation, queued on the <see cref="FactPublisher"/>. Offered calls get their contract ids here
/// (<see cref="InboundCallReceived"/>), and so do the legs the engine places for a far end's REFER.
/// </summary>
public sealed class MediaFactPump
{
    private readonly LegDirectory _directory;
    private readonly FactPublisher _publisher;
    private readonly TimeProvider _time;
    private readonly ILogger<MediaFactPump> _logger;
    private readonly string _workerId;

    public MediaFactPump(LegDirectory directory, FactPublisher publisher, IOptions<MediaWorkerOptions> options, TimeProvider time, ILogger<MediaFactPump> logger)
    {
        _directory = directory;
        _publisher = publisher;
        _time = time;
        _logger = logger;
        _workerId = options.Value.WorkerId;
    }

    /// <summary>The contract's operation a failed engine command stands for; null for those the contract has no command for.</summary>
    public static MediaOperation? OperationOf(MediaCommand command) => command switch
    {
        MediaCommand.Place => MediaOperation.Place,
        MediaCommand.Ring or MediaCommand.Answer => MediaOperation.Accept,
        MediaCommand.Hold => MediaOperation.Hold,
        MediaCommand.Resume => MediaOperation.Resume,
        MediaCommand.Mute => MediaOperation.Mute,
        MediaCommand.Unmute => MediaOperation.Unmute,
        MediaCommand.Digits => MediaOperation.Digits,
        MediaCommand.Record or MediaCommand.StopRecording => MediaOperation.Recording,
        MediaCommand.HangUp or MediaCommand.Reject => MediaOperation.End,
        _ => null,
    };

    /// <summary>Pumps until the engine's facts end (the engine was disposed).</summary>
    public async Task RunAsync(MediaEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        await foreach (var fact in engine.Events.ReadAllAsync())
        {
            try
            {
                Translate(fact);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // One odd fact must not stop every later one from being reported.
                _logger.LogError(exception, "Media {Fact} could not be reported", fact);
            }
        }
    }

    /// <summary>Queues the contract's fact for one engine fact (none for facts the contract does not carry).</summary>
    public void Translate(MediaEvent fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var now = _time.GetUtcNow();
        if (fact is MediaEvent.LegOffered offered)
        {
            var inbound = _directory.AddOffered(offered.LegId, now);
            _logger.LogInformation("Call from {From} to {To} offered as leg {LegId} (engine {EngineLegId})", offered.From, offered.Dialled, inbound.LegId, offered.LegId);
            _publisher.Enqueue(new InboundCallReceived(_workerId, inbound.ConversationId, inbound.LegId, offered.From, offered.Dialled, offered.CallerIdName, now));
            return;
        }

        if (_directory.FindByEngine(fact.LegId) is not { } leg)
        {
            _logger.LogDebug("Media {Fact} for a leg the bus does not know", fact);
            return;
        }

        var (tenant, conversation, id) = (leg.TenantId, leg.ConversationId, leg.LegId);
        object? message = fact switch
        {
            MediaEvent.LegRinging => new LegAlerting(tenant, conversation, id, _workerId, now),
            MediaEvent.LegAnswered => new LegAnswered(tenant, conversation, id, _workerId, now),
            MediaEvent.LegHeld => new LegHeld(tenant, conversation, id, _workerId, now),
            MediaEvent.LegResumed => new LegResumed(tenant, conversation, id, _workerId, now),
            MediaEvent.LegMuted => new LegMuted(tenant, conversation, id, _workerId, now),
            MediaEvent.LegUnmuted => new LegUnmuted(tenant, conversation, id, _workerId, now),
            MediaEvent.LegRemoteHoldChanged remote => new LegRemoteHoldChanged(tenant, conversation, id, _workerId, remote.Held, now),
            MediaEvent.DigitReceived digit => new DigitsReceived(tenant, conversation, id, _workerId, digit.Digit.ToString(), now),
            MediaEvent.RecordingStarted started => new RecordingStarted(tenant, conversation, _workerId, started.Path, now),
            MediaEvent.RecordingStopped { Error: null } => new RecordingStopped(tenant, conversation, _workerId, now),
            MediaEvent.RecordingStopped stopped => new RecordingFailed(tenant, conversation, _workerId, stopped.Error, now),
            MediaEvent.CommandFailed failed => Failed(leg, failed, now),
            MediaEvent.LegEnded ended => Ended(leg, ended, now),
            MediaEvent.TransferRequested refer => TransferRequested(leg, refer, now),
            _ => null,
        };

        if (message is null)
        {
            _logger.LogDebug("Media {Fact} on leg {LegId}", fact, id);
            return;
        }

        _publisher.Enqueue(message);
    }

    private LegCommandFailed? Failed(LegRecord leg, MediaEvent.CommandFailed failed, DateTimeOffset now)
    {
        if (OperationOf(failed.Command) is not { } operation)
        {
            _logger.LogWarning("{Command} failed on leg {LegId}: {Reason}", failed.Command, leg.LegId, failed.Reason);
            return null;
        }

        return new LegCommandFailed(leg.TenantId, leg.ConversationId, leg.LegId, _workerId, operation, failed.SipStatus, failed.Reason, now);
    }

    private LegEnded Ended(LegRecord leg, MediaEvent.LegEnded ended, DateTimeOffset now)
    {
        // The far end hanging up is reported as the party it is; our own end as whoever asked for it.
        var initiator = ended.Initiator == SipInitiator.Remote ? leg.Party : leg.HangUpBy ?? Initiator.System;
        var fact = new LegEnded(leg.TenantId, leg.ConversationId, leg.LegId, _workerId, ended.Reason, ended.SipStatus, initiator, now);
        _directory.End(leg, fact);
        return fact;
    }

    private LegTransferRequested TransferRequested(LegRecord referrer, MediaEvent.TransferRequested refer, DateTimeOffset now)
    {
        var target = _directory.AddTransferTarget(refer.NewLegId, referrer, now);
        return new LegTransferRequested(referrer.TenantId, referrer.ConversationId, referrer.LegId, _workerId, refer.Target, target.LegId, now);
    }
}
