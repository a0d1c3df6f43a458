using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Hosting;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallControl.Media.Consumers;

/// <summary>
/// Carries out the API's commands on this worker's legs, one at a time from the worker's own queue so that a
/// leg's commands keep their order. Every command ends in a fact: the engine's outcome (through
/// <see cref="MediaFactPump"/>), or here <see cref="LegCommandFailed"/> for a command refused before it reached
/// the engine, and <see cref="LegEnded"/> again for a leg that is over or was never here, so the API never waits
/// for a leg that will not answer. A command id seen before is not carried out again.
/// </summary>
public sealed class MediaCommandConsumer :
    IConsumer<PlaceLeg>,
    IConsumer<RingLeg>,
    IConsumer<AnswerLeg>,
    IConsumer<RejectLeg>,
    IConsumer<HoldLeg>,
    IConsumer<ResumeLeg>,
    IConsumer<MuteLeg>,
    IConsumer<UnmuteLeg>,
    IConsumer<BridgeLegs>,
    IConsumer<SendLegDigits>,
    IConsumer<StartLegRecording>,
    IConsumer<StopLegRecording>,
    IConsumer<HangUpLeg>
{
    private readonly MediaEngineHolder _engine;
    private readonly LegDirectory _directory;
    private readonly FactPublisher _publisher;
    private readonly MediaWorkerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MediaCommandConsumer> _logger;

    public MediaCommandConsumer(
        MediaEngineHolder engine,
        LegDirectory directory,
        FactPublisher publisher,
        IOptions<MediaWorkerOptions> options,
        TimeProvider time,
        ILogger<MediaCommandConsumer> logger)
    {
        _engine = engine;
        _directory = directory;
        _publisher = publisher;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public async Task Consume(ConsumeContext<PlaceLeg> context)
    {
        var c = context.Message;
        if (await FirstTimeAsync(context, c.CommandId, c.LegId) is not { } engine)
        {
            return;
        }

        if (IsStale(c.RequestedAt))
        {
            FailStale(c.TenantId, c.ConversationId, c.LegId, c.RequestedAt);
            return;
        }

        if (!TryFromUser(c.From, out var fromUser))
        {
            Fail(c.TenantId, c.ConversationId, c.LegId, MediaOperation.Place, $"From '{c.From}' is not a SIP user or number this worker can call from.");
            return;
        }

        if (!_directory.TryAddPlaced(c.LegId, c.TenantId, c.ConversationId, c.Party, _time.GetUtcNow()))
        {
            _logger.LogInformation("Leg {LegId} exists already; place command {CommandId} changes nothing", c.LegId, c.CommandId);
            return;
        }

        // A bad target or name makes the engine report the failure and the leg's end, which the pump carries.
        engine.Place(c.LegId, c.Target, fromUser, string.IsNullOrWhiteSpace(c.CallerIdName) ? null : c.CallerIdName, c.AutoAnswer);
    }

    public async Task Consume(ConsumeContext<RingLeg> context)
    {
        var c = context.Message;
        if (await FirstTimeAsync(context, c.CommandId, c.LegId) is not { } engine)
        {
            return;
        }

        // Taken before anything else: the leg's later facts (its end above all) then carry the conversation.
        if (_directory.Take(c.LegId, c.TenantId, c.ConversationId, c.Party) is not { } leg)
        {
            ReportGone(c.TenantId, c.ConversationId, c.LegId);
            return;
        }

        if (IsStale(c.RequestedAt))
        {
            FailStale(c.TenantId, c.ConversationId, c.LegId, c.RequestedAt);
            engine.Reject(leg.EngineLegId, 480);
            return;
        }

        if (leg.Routing == LegRouting.Expired)
        {
            // Declined already for want of routing; its end follows, now with the conversation.
            _logger.LogInformation("Leg {LegId} waited too long for routing and is being declined", c.LegId);
            return;
        }

        engine.Ring(leg.EngineLegId, c.Ringback);
    }

    public Task Consume(ConsumeContext<AnswerLeg> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.Accept, (engine, leg) => engine.Answer(leg.EngineLegId));
    }

    public async Task Consume(ConsumeContext<RejectLeg> context)
    {
        var c = context.Message;
        if (await FirstTimeAsync(context, c.CommandId, c.LegId) is not { } engine)
        {
            return;
        }

        if (_directory.Take(c.LegId, c.TenantId, c.ConversationId, Initiator.Customer) is not { } leg)
        {
            ReportGone(c.TenantId, c.ConversationId, c.LegId);
            return;
        }

        Act(c.TenantId, c.ConversationId, c.LegId, MediaOperation.End, () => engine.Reject(leg.EngineLegId, c.SipStatus));
    }

    public Task Consume(ConsumeContext<HoldLeg> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.Hold,
            (engine, leg) => engine.Hold(leg.EngineLegId, c.Music ? HoldAudio.Music : HoldAudio.Silence));
    }

    public Task Consume(ConsumeContext<ResumeLeg> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.Resume, (engine, leg) => engine.Resume(leg.EngineLegId));
    }

    public Task Consume(ConsumeContext<MuteLeg> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.Mute, (engine, leg) => engine.Mute(leg.EngineLegId));
    }

    public Task Consume(ConsumeContext<UnmuteLeg> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.Unmute, (engine, leg) => engine.Unmute(leg.EngineLegId));
    }

    public Task Consume(ConsumeContext<BridgeLegs> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, operation: null, (engine, leg) =>
        {
            if (_directory.Find(c.OtherLegId) is { } other)
            {
                engine.Bridge(leg.EngineLegId, other.EngineLegId);
            }
            else if (_directory.FindEnded(c.OtherLegId) is { } ended)
            {
                _publisher.Enqueue(Republished(ended, c.TenantId, c.ConversationId));
            }
            else
            {
                _logger.LogWarning("Bridge of leg {LegId} with unknown leg {OtherLegId} ignored", c.LegId, c.OtherLegId);
            }
        });
    }

    public Task Consume(ConsumeContext<SendLegDigits> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.Digits,
            (engine, leg) => engine.SendDigits(leg.EngineLegId, c.Digits ?? ""));
    }

    public Task Consume(ConsumeContext<StartLegRecording> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.Recording, (engine, leg) =>
        {
            if (!IsPlainFileName(c.FileName))
            {
                throw new ArgumentException($"The recording name '{c.FileName}' is not a plain file name.");
            }

            var directory = Path.GetFullPath(_options.RecordingDirectory);
            Directory.CreateDirectory(directory);
            engine.StartRecording(leg.EngineLegId, Path.Combine(directory, c.FileName));
        });
    }

    public Task Consume(ConsumeContext<StopLegRecording> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.Recording, (engine, leg) => engine.StopRecording(leg.EngineLegId));
    }

    public Task Consume(ConsumeContext<HangUpLeg> context)
    {
        var c = context.Message;
        return OnLegAsync(context, c.CommandId, c.TenantId, c.ConversationId, c.LegId, MediaOperation.End, (engine, leg) =>
        {
            _directory.NoteHangUp(c.LegId, c.Initiator);
            engine.HangUp(leg.EngineLegId, c.Reason);
        });
    }

    /// <summary>A recording's name: no folders, no way out of the recording directory, nothing the file system refuses.</summary>
    internal static bool IsPlainFileName(string? name) =>
        !string.IsNullOrWhiteSpace(name)
        && name.Length <= 200
        && !name.Contains("..", StringComparison.Ordinal)
        && name.IndexOfAny(['/', '\\']) < 0
        && name.IndexOfAny(Path.GetInvalidFileNameChars()) < 0;

    /// <summary>
    /// The user part of our From for the contract's <c>From</c>: a <c>sip:</c>/<c>sips:</c>/<c>tel:</c> URI's user, or a
    /// bare user or number; null (the configured user) when none is given. False for anything else.
    /// </summary>
    internal static bool TryFromUser(string? from, out string? user)
    {
        user = null;
        if (string.IsNullOrWhiteSpace(from))
        {
            return true;
        }

        var text = from.Trim();
        foreach (var scheme in (ReadOnlySpan<string>)["sip:", "sips:", "tel:"])
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                text = text[scheme.Length..];
                break;
            }
        }

        var end = text.IndexOfAny(['@', ';']);
        if (end >= 0)
        {
            text = text[..end];
        }

        // RFC 3261's unreserved characters, less the escapes: what a user part carries without quoting.
        if (text.Length is 0 or > 64 || !text.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_.!~*'()+".Contains(ch)))
        {
            return false;
        }

        user = text;
        return true;
    }

    /// <summary>The started engine, or null when this command id was carried out before (a redelivery).</summary>
    private async Task<MediaEngine?> FirstTimeAsync(ConsumeContext context, string commandId, string legId)
    {
        var engine = await _engine.Started.WaitAsync(context.CancellationToken);
        if (_directory.TryRecordCommand(commandId))
        {
            return engine;
        }

        LogRepeat(commandId, legId);
        return null;
    }

    private void FailStale(string tenantId, string conversationId, string legId, DateTimeOffset requestedAt) =>
        Fail(tenantId, conversationId, legId, MediaOperation.Place,
            $"The command waited {(_time.GetUtcNow() - requestedAt).TotalSeconds:0} s, longer than the worker's limit.");

    /// <summary>A command on a leg that should be live: carried out, or the leg's end reported again.</summary>
    private async Task OnLegAsync(
        ConsumeContext context,
        string commandId,
        string tenantId,
        string conversationId,
        string legId,
        MediaOperation? operation,
        Action<MediaEngine, LegRecord> act)
    {
        if (await FirstTimeAsync(context, commandId, legId) is not { } engine)
        {
            return;
        }

        if (_directory.Find(legId) is not { } leg)
        {
            ReportGone(tenantId, conversationId, legId);
            return;
        }

        if (operation is { } op)
        {
            Act(tenantId, conversationId, legId, op, () => act(engine, leg));
            return;
        }

        try
        {
            act(engine, leg);
        }
        catch (ArgumentException exception)
        {
            // Only bridging has no failure fact in the contract.
            _logger.LogWarning("Bridge of leg {LegId} refused: {Reason}", legId, exception.Message);
        }
    }

    /// <summary>Runs an engine command; input the engine refuses becomes a failed-command fact, never a retried message.</summary>
    private void Act(string tenantId, string conversationId, string legId, MediaOperation operation, Action act)
    {
        try
        {
            act();
        }
        catch (ArgumentException exception)
        {
            Fail(tenantId, conversationId, legId, operation, exception.Message);
        }
    }

    /// <summary>The leg is over or was never here: its end (again), so that the API stops waiting for it.</summary>
    private void ReportGone(string tenantId, string conversationId, string legId)
    {
        if (_directory.FindEnded(legId) is { } ended)
        {
            _publisher.Enqueue(Republished(ended, tenantId, conversationId));
            return;
        }

        _logger.LogInformation("Command for leg {LegId}, which this worker does not know; reporting it gone", legId);
        _publisher.Enqueue(new LegEnded(tenantId, conversationId, legId, _options.WorkerId, DisconnectReason.Gone, null, Initiator.System, _time.GetUtcNow()));
    }

    /// <summary>A stored end, with the command's conversation when the leg ended before it had one (an inbound call not yet rung).</summary>
    private static LegEnded Republished(LegEnded ended, string tenantId, string conversationId) =>
        ended.TenantId.Length == 0 ? ended with { TenantId = tenantId, ConversationId = conversationId } : ended;

    private void Fail(string tenantId, string conversationId, string legId, MediaOperation operation, string detail)
    {
        _logger.LogWarning("{Operation} on leg {LegId} refused: {Detail}", operation, legId, detail);
        _publisher.Enqueue(new LegCommandFailed(tenantId, conversationId, legId, _options.WorkerId, operation, null, detail, _time.GetUtcNow()));
    }

    private bool IsStale(DateTimeOffset requestedAt) =>
        _time.GetUtcNow() - requestedAt > TimeSpan.FromSeconds(_options.CommandMaxAgeSeconds);

    private void LogRepeat(string commandId, string legId) =>
        _logger.LogInformation("Command {CommandId} for leg {LegId} seen before; not carried out again", commandId, legId);
}
