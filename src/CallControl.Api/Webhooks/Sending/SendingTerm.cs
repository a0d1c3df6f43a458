using System.Globalization;
using System.Text;
using Npgsql;

namespace CallControl.Api.Webhooks.Sending;

/// <summary>
/// One term of sending: the lanes with open messages and their in-memory windows, which lanes run, and the
/// retry timers. Everything that changes lane state holds <see cref="_gate"/> briefly; sends and database
/// reads happen outside it.
/// </summary>
internal sealed class SendingTerm
{
    private const string Open = "d.status IN ('pending', 'failed')";

    private const string SelectDeliveries = """
        SELECT d.id, d.subscription_id, d.lane, d.message_id, coalesce(d.payload, u.payload::text), d.window_start, d.attempts, d.next_attempt_at,
               s.url, s.secret
        FROM webhook_deliveries d
        JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
        LEFT JOIN agent_desk_updates u ON u.tenant_id = d.tenant_id AND u.agent_id = d.desk_agent_id AND u.sequence = d.desk_sequence
        """;

    private const string ReadLane = $"""
        {SelectDeliveries}
        WHERE d.subscription_id = $1 AND d.lane = $2 AND {Open} AND d.id > $3
        ORDER BY d.id
        LIMIT $4
        """;

    private const string ReadOne = $"{SelectDeliveries} WHERE d.id = $1 AND {Open}";

    private const string OpenLanes = $"SELECT DISTINCT d.subscription_id, d.lane FROM webhook_deliveries d WHERE {Open}";

    // Redeliveries and deletes since a moment (with a margin for transactions that were open across it).
    private const string Changes = """
        SELECT 'requeued', id::text, requeued_at FROM webhook_deliveries WHERE requeued_at > $1 AND status = 'pending'
        UNION ALL
        SELECT 'deleted', id, deleted_at FROM webhook_subscriptions WHERE deleted_at > $1
        """;

    private static readonly TimeSpan ChangeMargin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadRetryDelay = TimeSpan.FromSeconds(1);

    private readonly WebhookSender _sender;
    private readonly WebhookSendingOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationToken _token;
    private readonly object _gate = new();
    private readonly Dictionary<(string Subscription, string Lane), Lane> _lanes = [];
    private readonly Queue<Lane> _ready = new();
    private readonly Dictionary<string, int> _runningBySubscription = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<Lane>> _waitingBySubscription = new(StringComparer.Ordinal);
    private readonly Dictionary<long, DateTimeOffset> _requeuesSeen = [];
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<IReadOnlyList<QueuedDelivery>>? _acceptedWhileStarting = [];
    private int _running;

    public SendingTerm(WebhookSender sender, CancellationToken token)
    {
        _sender = sender;
        _options = sender.Options;
        _time = sender.Time;
        _token = token;
    }

    /// <summary>Finds the lanes left open by earlier terms, then sends until the term ends; returns once no send is running.</summary>
    public async Task RunAsync()
    {
        try
        {
            while (!await TryStartAsync())
            {
                await Task.Delay(ReadRetryDelay, _time, _token);
            }

            await PollAsync();
        }
        catch (OperationCanceledException) when (_token.IsCancellationRequested)
        {
            // The term is over.
        }

        lock (_gate)
        {
            if (_running == 0)
            {
                _idle.TrySetResult();
            }
        }

        await _idle.Task;
    }

    public void Accept(IReadOnlyList<QueuedDelivery> deliveries)
    {
        lock (_gate)
        {
            if (_acceptedWhileStarting is { } buffered)
            {
                buffered.Add(deliveries);
                return;
            }

            AcceptLocked(deliveries);
        }
    }

    public void Requeue(long deliveryId, DateTimeOffset requeuedAt) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await RequeueAsync(deliveryId, requeuedAt);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
            {
                // The poll finds it again.
                _sender.Logger.LogDebug(ex, "Redelivery {DeliveryId} not taken yet; the next poll will", deliveryId);
            }
        }, CancellationToken.None);

    public void Forget(string subscriptionId)
    {
        lock (_gate)
        {
            foreach (var lane in _lanes.Values.Where(l => l.SubscriptionId == subscriptionId).ToList())
            {
                lane.Forgotten = true;
                lane.Window.Clear();
                lane.MoreInStore = false;
                _lanes.Remove(lane.Key);
            }
        }
    }

    private async Task<bool> TryStartAsync()
    {
        var open = new List<(string Subscription, string Lane)>();
        try
        {
            await using var command = _sender.DataSource.CreateCommand(OpenLanes);
            await using var reader = await command.ExecuteReaderAsync(_token);
            while (await reader.ReadAsync(_token))
            {
                open.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        catch (NpgsqlException ex)
        {
            _sender.Logger.LogWarning(ex, "Could not read the open webhook lanes; trying again in {Delay}", ReadRetryDelay);
            return false;
        }

        lock (_gate)
        {
            // Every open message of these lanes is read from the store, from the oldest on; what the fan-out
            // handed over meanwhile is read with them.
            foreach (var key in open)
            {
                var lane = LaneLocked(key.Subscription, key.Lane);
                lane.MoreInStore = true;
                MakeRunnableLocked(lane);
            }

            foreach (var deliveries in _acceptedWhileStarting!)
            {
                AcceptLocked(deliveries);
            }

            _acceptedWhileStarting = null;
        }

        _sender.Logger.LogInformation("Webhook sending found {Count} lanes with open messages", open.Count);
        return true;
    }

    /// <summary>Takes up redeliveries and deletes made on other instances, every poll interval until the term ends.</summary>
    private async Task PollAsync()
    {
        var since = _time.GetUtcNow() - ChangeMargin;
        while (true)
        {
            await Task.Delay(_options.PollInterval, _time, _token);
            var started = _time.GetUtcNow();
            try
            {
                await TakeChangesAsync(since);
            }
            catch (NpgsqlException ex)
            {
                _sender.Logger.LogWarning(ex, "Could not look for webhook redeliveries; trying again");
                continue;
            }

            since = started - ChangeMargin;
            lock (_gate)
            {
                foreach (var old in _requeuesSeen.Where(pair => pair.Value < since).Select(pair => pair.Key).ToList())
                {
                    _requeuesSeen.Remove(old);
                }
            }
        }
    }

    private async Task TakeChangesAsync(DateTimeOffset since)
    {
        var changes = new List<(string Kind, string Id, DateTimeOffset At)>();
        await using (var command = _sender.DataSource.CreateCommand(Changes))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since });
            await using var reader = await command.ExecuteReaderAsync(_token);
            while (await reader.ReadAsync(_token))
            {
                changes.Add((reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        foreach (var (kind, id, at) in changes)
        {
            if (kind == "deleted")
            {
                Forget(id);
            }
            else
            {
                await RequeueAsync(long.Parse(id, CultureInfo.InvariantCulture), at);
            }
        }
    }

    private async Task RequeueAsync(long deliveryId, DateTimeOffset requeuedAt)
    {
        lock (_gate)
        {
            if (_requeuesSeen.TryGetValue(deliveryId, out var seen) && seen >= requeuedAt)
            {
                return;
            }
        }

        await using var command = _sender.DataSource.CreateCommand(ReadOne);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = deliveryId });
        var rows = await ReadAsync(command);
        lock (_gate)
        {
            if ((_requeuesSeen.TryGetValue(deliveryId, out var seen) && seen >= requeuedAt) || rows.Count == 0)
            {
                return;
            }

            _requeuesSeen[deliveryId] = requeuedAt;
            var delivery = rows[0];
            var lane = LaneLocked(delivery.SubscriptionId, delivery.Lane);
            var index = lane.Window.FindIndex(d => d.Id == delivery.Id);
            if (index >= 0 && !ReferenceEquals(lane.Window[index], lane.InFlight))
            {
                lane.Window[index] = delivery;
            }
            else if (index < 0 && (delivery.Id <= lane.LastQueuedId || !lane.MoreInStore))
            {
                // Back into its place in line: first if it is older than everything waiting.
                var at = lane.Window.FindIndex(d => d.Id > delivery.Id && !ReferenceEquals(d, lane.InFlight));
                lane.Window.Insert(at < 0 ? lane.Window.Count : at, delivery);
                lane.LastQueuedId = Math.Max(lane.LastQueuedId, delivery.Id);
            }

            MakeRunnableLocked(lane);
        }
    }

    private void AcceptLocked(IReadOnlyList<QueuedDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            var lane = LaneLocked(delivery.SubscriptionId, delivery.Lane);
            if (delivery.Id <= lane.LastQueuedId)
            {
                continue;
            }

            if (lane.MoreInStore || lane.Window.Count >= _options.LaneWindow)
            {
                // It stays in the store and is read when the window has room; the read in flight may not see it.
                lane.MoreInStore = true;
                lane.AcceptedDuringRead = true;
                MakeRunnableLocked(lane);
                continue;
            }

            lane.Window.Add(delivery);
            lane.LastQueuedId = delivery.Id;
            MakeRunnableLocked(lane);
        }
    }

    private Lane LaneLocked(string subscriptionId, string key)
    {
        if (!_lanes.TryGetValue((subscriptionId, key), out var lane))
        {
            lane = new Lane(subscriptionId, key);
            _lanes.Add(lane.Key, lane);
        }

        return lane;
    }

    /// <summary>Queues an idle lane that has something due, or wakes one waiting for a retry that is now due earlier.</summary>
    private void MakeRunnableLocked(Lane lane)
    {
        if (lane.State is LaneState.Queued or LaneState.Running || lane.Forgotten || _token.IsCancellationRequested)
        {
            return;
        }

        if (lane.Window.Count == 0 && !lane.MoreInStore)
        {
            return;
        }

        if (lane.Window.Count > 0 && lane.Window[0].DueAt > _time.GetUtcNow())
        {
            ArmTimerLocked(lane, lane.Window[0].DueAt);
            return;
        }

        lane.State = LaneState.Queued;
        lane.TimerGeneration++;
        _ready.Enqueue(lane);
        PumpLocked();
    }

    private void ArmTimerLocked(Lane lane, DateTimeOffset due)
    {
        if (lane.State == LaneState.Waiting && lane.TimerDue <= due)
        {
            return;
        }

        lane.State = LaneState.Waiting;
        lane.TimerDue = due;
        var generation = ++lane.TimerGeneration;
        _ = Task.Delay(Max(due - _time.GetUtcNow(), TimeSpan.Zero), _time, _token).ContinueWith(
            _ =>
            {
                lock (_gate)
                {
                    if (lane.State == LaneState.Waiting && lane.TimerGeneration == generation)
                    {
                        lane.State = LaneState.Idle;
                        MakeRunnableLocked(lane);
                    }
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
    }

    /// <summary>Starts queued lanes while there are free slots, holding back those whose subscription has all its slots.</summary>
    private void PumpLocked()
    {
        while (_running < _options.MaxConcurrentSends && _ready.TryDequeue(out var lane))
        {
            if (lane.Forgotten)
            {
                lane.State = LaneState.Idle;
                continue;
            }

            var running = _runningBySubscription.GetValueOrDefault(lane.SubscriptionId);
            if (running >= _options.MaxInFlightPerSubscription)
            {
                if (!_waitingBySubscription.TryGetValue(lane.SubscriptionId, out var waiting))
                {
                    _waitingBySubscription[lane.SubscriptionId] = waiting = new Queue<Lane>();
                }

                waiting.Enqueue(lane);
                continue;
            }

            _runningBySubscription[lane.SubscriptionId] = running + 1;
            _running++;
            lane.State = LaneState.Running;
            _ = Task.Run(() => RunLaneAsync(lane), CancellationToken.None);
        }
    }

    private void FinishedLocked(Lane lane)
    {
        _running--;
        var left = _runningBySubscription[lane.SubscriptionId] - 1;
        if (left == 0)
        {
            _runningBySubscription.Remove(lane.SubscriptionId);
        }
        else
        {
            _runningBySubscription[lane.SubscriptionId] = left;
        }

        if (_waitingBySubscription.TryGetValue(lane.SubscriptionId, out var waiting) && waiting.TryDequeue(out var next))
        {
            _ready.Enqueue(next);
            if (waiting.Count == 0)
            {
                _waitingBySubscription.Remove(lane.SubscriptionId);
            }
        }

        PumpLocked();
        if (_running == 0 && _token.IsCancellationRequested)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>
    /// Sends the lane's messages in order, up to a turn's worth: reads more from the store when its window is
    /// empty, and stops at a message that is not due (a retry), re-queueing itself when its turn is used up.
    /// </summary>
    private async Task RunLaneAsync(Lane lane)
    {
        var sent = 0;
        try
        {
            while (true)
            {
                QueuedDelivery head;
                lock (_gate)
                {
                    if (_token.IsCancellationRequested || lane.Forgotten)
                    {
                        lane.State = LaneState.Idle;
                        return;
                    }

                    if (lane.Window.Count == 0 && !lane.MoreInStore)
                    {
                        lane.State = LaneState.Idle;
                        _lanes.Remove(lane.Key);
                        return;
                    }

                    if (lane.Window.Count > 0)
                    {
                        head = lane.Window[0];
                        if (head.DueAt > _time.GetUtcNow())
                        {
                            lane.State = LaneState.Idle;
                            ArmTimerLocked(lane, head.DueAt);
                            return;
                        }

                        if (sent >= _options.MessagesPerTurn)
                        {
                            lane.State = LaneState.Queued;
                            _ready.Enqueue(lane);
                            return;
                        }

                        lane.InFlight = head;
                    }
                    else
                    {
                        head = null!;
                        lane.AcceptedDuringRead = false;
                    }
                }

                if (head is null)
                {
                    if (!await ReadMoreAsync(lane))
                    {
                        return;
                    }

                    continue;
                }

                var attemptedAt = _time.GetUtcNow();
                var (status, error) = await _sender.PostAsync(head, _token);
                lock (_gate)
                {
                    lane.InFlight = null;
                    Settle(lane, head, status, error, attemptedAt);
                }

                sent++;
            }
        }
        catch (OperationCanceledException) when (_token.IsCancellationRequested)
        {
            // The term ended during a send: it is neither recorded nor retried here; the next term sends it.
            lock (_gate)
            {
                lane.State = LaneState.Idle;
            }
        }
        finally
        {
            lock (_gate)
            {
                FinishedLocked(lane);
            }
        }
    }

    /// <summary>Applies an attempt's result to the lane and hands it to the recorder.</summary>
    private void Settle(Lane lane, QueuedDelivery head, int? status, string? error, DateTimeOffset attemptedAt)
    {
        var attempts = head.Attempts + 1;
        var index = lane.Window.IndexOf(head);
        if (error is null)
        {
            RemoveAt(lane, index);
            _sender.Record(new DeliveryOutcome(head.Id, "delivered", attempts, status, null, null, attemptedAt));
            return;
        }

        if (attemptedAt - head.WindowStart >= _options.RetryWindow)
        {
            RemoveAt(lane, index);
            _sender.Record(new DeliveryOutcome(head.Id, "dead", attempts, status, error, null, attemptedAt));
            _sender.Logger.LogWarning("Webhook delivery {DeliveryId} ({MessageId}) is dead after {Attempts} attempts: {Error}",
                head.Id, head.MessageId, attempts, error);
            return;
        }

        var due = attemptedAt + _sender.NextDelay(attempts);
        _sender.Record(new DeliveryOutcome(head.Id, "failed", attempts, status, error, due, attemptedAt));
        if (index < 0)
        {
            return;
        }

        lane.Window[index] = head with { Attempts = attempts, DueAt = due };

        // While the lane is retried, only its head (and any older redelivery) waits in memory; the newer
        // messages are read again afterwards.
        if (lane.Window.RemoveAll(d => d.Id > head.Id) > 0)
        {
            lane.LastQueuedId = head.Id;
            lane.MoreInStore = true;
        }
    }

    private static void RemoveAt(Lane lane, int index)
    {
        if (index >= 0)
        {
            lane.Window.RemoveAt(index);
        }
    }

    /// <summary>Reads the lane's next open messages after the newest it has held; false when the term ended.</summary>
    private async Task<bool> ReadMoreAsync(Lane lane)
    {
        long after;
        lock (_gate)
        {
            after = lane.LastQueuedId;
        }

        List<QueuedDelivery> rows;
        try
        {
            await using var command = _sender.DataSource.CreateCommand(ReadLane);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lane.SubscriptionId });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lane.Name });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = _options.LaneWindow });
            rows = await ReadAsync(command);
        }
        catch (NpgsqlException ex)
        {
            _sender.Logger.LogWarning(ex, "Could not read webhook lane {Lane} of {Subscription}; trying again in {Delay}", lane.Name, lane.SubscriptionId, ReadRetryDelay);
            lock (_gate)
            {
                lane.State = LaneState.Idle;
                ArmTimerLocked(lane, _time.GetUtcNow() + ReadRetryDelay);
            }

            return false;
        }

        lock (_gate)
        {
            foreach (var row in rows.Where(r => r.Id > lane.LastQueuedId && !lane.Window.Exists(d => d.Id == r.Id)))
            {
                lane.Window.Add(row);
                lane.LastQueuedId = row.Id;
            }

            // More may wait when the read was full, or when the fan-out handed over a message the read's snapshot
            // may have missed.
            lane.MoreInStore = rows.Count >= _options.LaneWindow || lane.AcceptedDuringRead;
        }

        return true;
    }

    private async Task<List<QueuedDelivery>> ReadAsync(NpgsqlCommand command)
    {
        var rows = new List<QueuedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(_token);
        while (await reader.ReadAsync(_token))
        {
            var target = _sender.Target(reader.GetString(1), reader.GetString(8), reader.GetString(9));
            rows.Add(new QueuedDelivery(
                reader.GetInt64(0),
                reader.GetString(2),
                reader.GetString(3),
                Encoding.UTF8.GetBytes(reader.GetString(4)),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.GetInt32(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                target));
        }

        return rows;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private enum LaneState
    {
        Idle,
        Queued,
        Running,
        Waiting,
    }

    private sealed class Lane(string subscriptionId, string name)
    {
        public string SubscriptionId { get; } = subscriptionId;

        public string Name { get; } = name;

        public (string, string) Key => (SubscriptionId, Name);

        /// <summary>The messages held in memory, oldest first.</summary>
        public List<QueuedDelivery> Window { get; } = [];

        /// <summary>The newest id the lane has held: reads from the store continue after it.</summary>
        public long LastQueuedId { get; set; }

        /// <summary>Whether open messages newer than <see cref="LastQueuedId"/> may wait in the store.</summary>
        public bool MoreInStore { get; set; }

        /// <summary>Whether the fan-out handed over a message since the current read began.</summary>
        public bool AcceptedDuringRead { get; set; }

        public QueuedDelivery? InFlight { get; set; }

        public LaneState State { get; set; }

        public DateTimeOffset TimerDue { get; set; }

        public int TimerGeneration { get; set; }

        public bool Forgotten { get; set; }
    }
}
