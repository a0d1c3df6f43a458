using System.Security.Cryptography;
using System.Text.Json;
using CallControl.Api.EventStore;
using CallControl.Api.Http;
using CallControl.Api.Observability.Metrics;
using CallControl.Domain.Conversations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallControl.Api.Conversations;

/// <summary>What the caller asked for besides the command itself (the contract's command headers).</summary>
/// <param name="IfMatch">The version the caller expects the conversation at, from <c>If-Match</c>.</param>
/// <param name="Idempotency">The <c>Idempotency-Key</c> and a digest of the request it came with.</param>
/// <param name="Wait">From <c>Prefer: wait=N</c>: how long to wait for the media layer's answer.</param>
public sealed record CommandOptions(string TenantId, string Actor, long? IfMatch = null, IdempotencyRequest? Idempotency = null, TimeSpan? Wait = null);

public sealed record IdempotencyRequest(string Key, byte[] RequestHash)
{
    /// <summary>Digests what makes two requests the same: method, path and the body as bound.</summary>
    public static IdempotencyRequest For<TBody>(string key, string method, string path, TBody body) =>
        new(key, SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { method, path, body }, ConversationEventSerializer.Options)));
}

/// <summary>A finished response, as it was or will be sent (idempotent replays send the stored one).</summary>
public sealed record CommandResponse(int Status, string Body, string? Location)
{
    public static CommandResponse Json<T>(int status, T body, string? location = null) =>
        new(status, JsonSerializer.Serialize(body, ConversationEventSerializer.Options), location);
}

public sealed record CommandAccepted(string CommandId, string ConversationId, long Version);

/// <summary>
/// Runs a command against a conversation: load (from the state cache and the log), decide, append with
/// the expected version, and answer as the contract says — 202, 200 for a no-op, 412 for a stale
/// <c>If-Match</c>, replayed responses for repeated idempotency keys, and with <c>Prefer: wait</c> the
/// media layer's answer.
/// </summary>
public sealed class ConversationCommandService
{
    /// <summary>Lost races retried (after a short random pause) before answering 503 <c>busy</c>.</summary>
    public const int MaxAttempts = 25;

    private readonly PostgresEventStore _store;
    private readonly ConversationStates _states;
    private readonly IdempotencyRecords _idempotency;
    private readonly EventLogSignal _signal;
    private readonly TimeProvider _time;
    private readonly CallControlMetrics _metrics;
    private readonly IReadOnlyList<IConversationAppendObserver> _observers;
    private readonly ILogger<ConversationCommandService> _logger;
    private readonly TimeSpan _pollInterval;

    public ConversationCommandService(
        PostgresEventStore store,
        ConversationStates states,
        IdempotencyRecords idempotency,
        EventLogSignal signal,
        TimeProvider time,
        CallControlMetrics metrics,
        IEnumerable<IConversationAppendObserver> observers,
        IOptions<CommandWaitOptions> waitOptions,
        ILogger<ConversationCommandService> logger)
    {
        _pollInterval = waitOptions.Value.WaitPollInterval;
        _observers = [.. observers];
        _metrics = metrics;
        _logger = logger;
        _store = store;
        _states = states;
        _idempotency = idempotency;
        _signal = signal;
        _time = time;
    }

    /// <summary>
    /// Decides <paramref name="build"/>'s command on the conversation and appends the events.
    /// <paramref name="onAccepted"/> shapes the success response (202 for commands, 201 for a start).
    /// </summary>
    public async Task<CommandResponse> ExecuteAsync(
        string conversationId,
        CommandOptions options,
        Func<DateTimeOffset, ConversationCommand> build,
        Func<CommandAccepted, Conversation.Started, CommandResponse>? onAccepted = null,
        CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        // Built once, at the time of the request: retries after lost races decide the same command again.
        var command = build(_time.GetUtcNow());
        var commandType = command.GetType().Name;
        using var scope = _logger.BeginScope(new Dictionary<string, object>
        {
            ["ConversationId"] = conversationId,
            ["Command"] = commandType,
            ["Actor"] = options.Actor,
        });
        var response = await ExecuteCoreAsync(conversationId, options, command, onAccepted, cancellationToken);
        var outcome = OutcomeOf(response.Status);
        _metrics.CommandCompleted(commandType, outcome, _time.GetElapsedTime(started));
        _logger.LogDebug("{Command} on {ConversationId}: {Status} {Outcome}", commandType, conversationId, response.Status, outcome);
        return response;
    }

    private static string OutcomeOf(int status) => status switch
    {
        StatusCodes.Status200OK => "ok",
        StatusCodes.Status201Created or StatusCodes.Status202Accepted => "accepted",
        StatusCodes.Status404NotFound => "not-found",
        StatusCodes.Status409Conflict => "invalid-state",
        StatusCodes.Status412PreconditionFailed => "version-mismatch",
        StatusCodes.Status422UnprocessableEntity => "idempotency-conflict",
        StatusCodes.Status502BadGateway => "media-failure",
        _ => "other",
    };

    private async Task<CommandResponse> ExecuteCoreAsync(
        string conversationId,
        CommandOptions options,
        ConversationCommand command,
        Func<CommandAccepted, Conversation.Started, CommandResponse>? onAccepted,
        CancellationToken cancellationToken)
    {
        if (options.Idempotency is { } idempotency
            && await _idempotency.FindAsync(options.TenantId, idempotency, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        // The first try decides on the state remembered here, without a read: an append expecting its version
        // fails if another instance moved the stream on. Any answer that appends nothing is given only on a
        // state just read, so a stale memory never refuses a command.
        var remembered = _states.Known(options.TenantId, conversationId) is { State: Conversation.Started } known ? known : null;
        for (var attempt = 1; ; attempt++)
        {
            var loaded = remembered ?? await LoadAsync(options.TenantId, conversationId, cancellationToken);
            var unread = remembered is not null;
            remembered = null;
            if (loaded.State is Conversation.NotStarted && !IsStart(command))
            {
                return await FinalAsync(options, NotFound(conversationId), cancellationToken);
            }

            var mismatch = options.IfMatch is { } expected && expected != loaded.Version;
            IReadOnlyList<ConversationEvent> events = [];
            ConversationRuleViolation? refusal = null;
            if (!mismatch)
            {
                try
                {
                    events = ConversationDecider.Decide(command, loaded.State);
                }
                catch (ConversationRuleViolation violation)
                {
                    refusal = violation;
                }
            }

            if (unread && events.Count == 0)
            {
                // Nothing to append on the remembered state (a mismatch, a refusal or a no-op): read, and decide again.
                attempt--;
                continue;
            }

            if (mismatch)
            {
                return await FinalAsync(options, Problem(Problems.VersionMismatch(options.IfMatch!.Value, loaded.Version)), cancellationToken);
            }

            if (refusal is not null)
            {
                return await FinalAsync(
                    options,
                    Problem(refusal.Code == RuleViolationCode.NotFound ? Problems.NotFound(refusal.Detail) : Problems.InvalidState(refusal.Detail)),
                    cancellationToken);
            }

            if (events.Count == 0)
            {
                var unchanged = CommandResponse.Json(StatusCodes.Status200OK, ConversationView.From((Conversation.Started)loaded.State, loaded.Version));
                return await FinalAsync(options, unchanged, cancellationToken);
            }

            var after = (Conversation.Started)ConversationDecider.Fold(loaded.State, events);
            var version = loaded.Version + events.Count;
            var accepted = new CommandAccepted(Guid.CreateVersion7().ToString(), conversationId, version);
            var response = onAccepted?.Invoke(accepted, after)
                ?? CommandResponse.Json(StatusCodes.Status202Accepted, accepted, Location(conversationId));
            var metadata = new EventMetadata(CommandId: accepted.CommandId, Actor: options.Actor);
            Task? woken = null;
            using var commandScope = _logger.BeginScope(new Dictionary<string, object> { ["CommandId"] = accepted.CommandId });
            try
            {
                var result = await _store.AppendAsync(
                    options.TenantId,
                    conversationId,
                    ConversationEventSerializer.StreamType,
                    ExpectedVersion.Exact(loaded.Version),
                    [.. events.Select(e => ConversationEventSerializer.ToAppend(e, metadata))],
                    options.Idempotency is { } key
                        ? (context, ct) => _idempotency.InsertAsync(context.Connection, context.Transaction, options.TenantId, key, response, ct)
                        : null,
                    cancellationToken);
                _states.Remember(options.TenantId, conversationId, new LoadedConversation(after, result.Version), events);
                _metrics.EventsAppended(events.Count, ConversationEventSerializer.StreamType);
                if (options.Wait is not null && response.Status == StatusCodes.Status202Accepted)
                {
                    // Taken before the worker hears of the command, so that its answer cannot slip past unseen.
                    woken = _signal.NextAppendTo(options.TenantId, conversationId, result.Version);
                }

                try
                {
                    if (!result.AlreadyAppended)
                    {
                        foreach (var observer in _observers)
                        {
                            await observer.AppendedAsync(options.TenantId, conversationId, after, result.Events, cancellationToken);
                        }
                    }
                }
                finally
                {
                    // Waiters wake once the observers have seen the append: an answered command's caller may send its
                    // next at once, and the media sender, having seen this append, sends that one straight away.
                    _signal.NotifyStream(options.TenantId, conversationId, result.Version);
                }

                _logger.LogInformation("Appended {Count} events to {ConversationId} (now version {Version})", events.Count, conversationId, result.Version);
            }
            catch (StreamConcurrencyException) when (unread)
            {
                // The remembered state was behind: read, and decide again at once.
                attempt--;
                continue;
            }
            catch (StreamConcurrencyException conflict) when (options.IfMatch is not null)
            {
                return await FinalAsync(options, Problem(Problems.VersionMismatch(options.IfMatch.Value, conflict.Actual)), cancellationToken);
            }
            catch (StreamConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another command got in first: spread the retries so the racers do not collide again at once.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (attempt * 4))), cancellationToken);
                continue;
            }
            catch (StreamConcurrencyException)
            {
                return Problem(Problems.Busy(conversationId, MaxAttempts));
            }
            catch (IdempotencyKeyTakenException)
            {
                // The same key committed first from a concurrent request: answer as it was answered.
                return await _idempotency.FindAsync(options.TenantId, options.Idempotency!, cancellationToken)
                    ?? throw new InvalidOperationException("An idempotency record vanished while it was being read.");
            }

            if (options.Wait is not { } wait || woken is null)
            {
                return response;
            }

            var answered = await WaitForMediaAsync(
                options.TenantId, conversationId, command, new LoadedConversation(after, version), woken, wait, response, cancellationToken);
            if (options.Idempotency is { } waitedKey && !ReferenceEquals(answered, response))
            {
                // A repeat of this request answers as this one finally did, not with the interim 202.
                await _idempotency.ReplaceAsync(options.TenantId, waitedKey, answered, cancellationToken);
            }

            return answered;
        }
    }

    /// <summary>
    /// Binds a response that needed no append (a refusal or a no-op) to the request's idempotency key, so a
    /// repeat answers the same even after the state has changed.
    /// </summary>
    private async Task<CommandResponse> FinalAsync(CommandOptions options, CommandResponse response, CancellationToken cancellationToken) =>
        options.Idempotency is { } key ? await _idempotency.SaveAsync(options.TenantId, key, response, cancellationToken) : response;

    /// <summary>The conversation's latest committed state.</summary>
    public async Task<LoadedConversation> LoadAsync(string tenantId, string conversationId, CancellationToken cancellationToken)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(cancellationToken);
        return await _states.LoadAsync(connection, null, tenantId, conversationId, cancellationToken);
    }

    public static string Location(string conversationId) => $"/api/v1/conversations/{Uri.EscapeDataString(conversationId)}";

    public static CommandResponse NotFound(string conversationId) =>
        Problem(Problems.NotFound($"Conversation {conversationId} was not found."));

    private static CommandResponse Problem(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem) =>
        CommandResponse.Json(problem.StatusCode, problem.ProblemDetails);

    private static bool IsStart(ConversationCommand command) =>
        command is ConversationCommand.StartOutboundConversation or ConversationCommand.ReceiveInboundCall;

    /// <summary>
    /// Waits until every change this command left pending (requested at the command's time) is resolved by a
    /// media fact: 200 with the conversation when confirmed, 502 when the media layer failed it, 409 when its
    /// participant left before confirming it; the original 202 if the time runs out.
    /// </summary>
    /// <param name="appended">The conversation as the command's own append left it.</param>
    /// <param name="woken">Completes at the next append to the conversation in this process after the command's own.</param>
    private async Task<CommandResponse> WaitForMediaAsync(
        string tenantId,
        string conversationId,
        ConversationCommand command,
        LoadedConversation appended,
        Task woken,
        TimeSpan wait,
        CommandResponse accepted,
        CancellationToken cancellationToken)
    {
        var requestedAt = command.At;
        var deadline = _time.GetUtcNow() + wait;
        var current = appended;
        var next = woken;
        try
        {
            while (true)
            {
                var conversation = (Conversation.Started)current.State;
                if (!conversation.Participants.Any(p => p.Pending.Any(change => change.RequestedAt == requestedAt))
                    && !conversation.Recording.Pending.Any(r => r.RequestedAt == requestedAt))
                {
                    return await ResolveAsync(tenantId, conversationId, appended.State, appended.Version, requestedAt, current, cancellationToken);
                }

                var left = deadline - _time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    return accepted;
                }

                // Facts appended to this conversation here wake us at once, and leave their state remembered;
                // one appended by another instance is found by the poll, which reads.
                await Task.WhenAny(next, Task.Delay(left < _pollInterval ? left : _pollInterval, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
                var appendedHere = next.IsCompleted;
                _signal.StopWaiting(tenantId, conversationId, next);
                next = _signal.NextAppendTo(tenantId, conversationId, current.Version);
                current = appendedHere && _states.Known(tenantId, conversationId) is { } known && known.Version > current.Version
                    ? known
                    : await LoadAsync(tenantId, conversationId, cancellationToken);
            }
        }
        finally
        {
            _signal.StopWaiting(tenantId, conversationId, next);
        }
    }

    /// <summary>
    /// Reads what happened since the command's append, following the state along: a participant leaving fails
    /// the command only while it still had a change of the command's pending. Leaving is what was asked of one
    /// whose only such change was to end (a hang-up, the agent completing a consult, the target of a cancelled
    /// one), and a participant that confirmed its change before leaving has answered already.
    /// </summary>
    private async Task<CommandResponse> ResolveAsync(
        string tenantId,
        string conversationId,
        Conversation appended,
        long appendedVersion,
        DateTimeOffset requestedAt,
        LoadedConversation loaded,
        CancellationToken cancellationToken)
    {
        // Up to the state that answered: what was appended in this process is remembered with it; anything else is read.
        var later = _states.RecentBetween(tenantId, conversationId, appendedVersion, loaded.Version)
            ?? [.. (await _store.ReadStreamAsync(tenantId, conversationId, appendedVersion, (int)(loaded.Version - appendedVersion), cancellationToken))
                .Select(ConversationEventSerializer.Deserialize)];
        var state = appended;
        foreach (var @event in later)
        {
            switch (@event)
            {
                case ConversationEvent.ParticipantCommandFailed failed:
                    return Problem(Problems.MediaFailure(
                        $"{ConversationEventSerializer.Wire(failed.Command)} on participant {failed.ParticipantId} failed" +
                        (failed.SipStatus is { } sip ? $" with SIP {sip}" : string.Empty) + $": {failed.Detail}"));
                case ConversationEvent.RecordingFailed failed:
                    return Problem(Problems.MediaFailure($"recording failed: {failed.Detail}"));
                case ConversationEvent.ParticipantDisconnected gone when LeavesUnconfirmed(state, gone.ParticipantId, requestedAt):
                    return Problem(Problems.InvalidState($"participant {gone.ParticipantId} is disconnected ({ConversationEventSerializer.Wire(gone.Reason)})"));
            }

            state = ConversationDecider.Evolve(state, @event);
        }

        return CommandResponse.Json(StatusCodes.Status200OK, ConversationView.From((Conversation.Started)loaded.State, loaded.Version));
    }

    private static bool LeavesUnconfirmed(Conversation state, ParticipantId participantId, DateTimeOffset requestedAt) =>
        state is Conversation.Started started
        && started.FindParticipant(participantId) is { } participant
        && participant.Pending.Any(change => change.RequestedAt == requestedAt && change.Command != MediaOperation.End);

}
