using System.Diagnostics.CodeAnalysis;
using CallControl.Api.EventStore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallControl.Api.Agents.EventStream;

/// <summary>An agent of a tenant.</summary>
public readonly record struct AgentDeskKey(string TenantId, string AgentId);

/// <summary>
/// Learns which watched agents got new updates with one query per wake-up for all open streams, so that an
/// append costs the database one read however many streams are open, plus one read per stream whose agent
/// actually moved. It wakes after every append in this process and polls (every second by default) for appends
/// of other instances, which reach this one by NOTIFY only while it runs a subscription.
/// </summary>
public sealed class AgentDeskWatcher : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<AgentDeskKey, Entry> _entries = [];
    private readonly AgentEventLog _log;
    private readonly EventLogSignal _signal;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentDeskWatcher> _logger;
    private readonly int _maxWatches;
    private readonly TimeSpan _pollInterval;
    private int _watches;

    public AgentDeskWatcher(AgentEventLog log, EventLogSignal signal, TimeProvider time, IOptions<AgentEventStreamOptions> options, ILogger<AgentDeskWatcher> logger)
    {
        _log = log;
        _signal = signal;
        _time = time;
        _logger = logger;
        _maxWatches = options.Value.MaxConnections;
        _pollInterval = options.Value.PollInterval;
    }

    /// <summary>Open watches, one per stream.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _watches;
            }
        }
    }

    /// <summary>Starts watching <paramref name="agent"/> for one stream; false when the instance already serves its maximum.</summary>
    public bool TryWatch(AgentDeskKey agent, [NotNullWhen(true)] out AgentDeskWatch? watch)
    {
        lock (_gate)
        {
            if (_watches >= _maxWatches)
            {
                watch = null;
                return false;
            }

            if (!_entries.TryGetValue(agent, out var entry))
            {
                entry = new Entry();
                _entries[agent] = entry;
            }

            entry.Watches++;
            _watches++;
            watch = new AgentDeskWatch(this, agent);
            return true;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the read, so an append that commits while it runs starts the next read at once.
            var appended = _signal.NextAppend();
            var agents = WatchedAgents();
            if (agents.Count > 0)
            {
                try
                {
                    Publish(await _log.ReadSequencesAsync(agents, stoppingToken));
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // Streams keep their heartbeats and catch up once the database answers again; ending here would stop the host.
                    _logger.LogWarning(ex, "Could not read the sequences of {Count} watched agents", agents.Count);
                }
            }

            await appended.WaitAsync(_pollInterval, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private List<AgentDeskKey> WatchedAgents()
    {
        lock (_gate)
        {
            return [.. _entries.Keys];
        }
    }

    private void Publish(IReadOnlyList<(AgentDeskKey Agent, long Sequence)> sequences)
    {
        lock (_gate)
        {
            foreach (var (agent, sequence) in sequences)
            {
                if (_entries.TryGetValue(agent, out var entry) && sequence > entry.Latest)
                {
                    entry.Latest = sequence;
                    var moved = entry.Moved;
                    entry.Moved = NewSource();
                    moved.TrySetResult();
                }
            }
        }
    }

    internal (long Latest, Task Moved) Observe(AgentDeskKey agent)
    {
        lock (_gate)
        {
            var entry = _entries[agent];
            return (entry.Latest, entry.Moved.Task);
        }
    }

    internal void Release(AgentDeskKey agent)
    {
        lock (_gate)
        {
            _watches--;
            var entry = _entries[agent];
            if (--entry.Watches == 0)
            {
                _entries.Remove(agent);
            }
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Entry
    {
        public int Watches { get; set; }

        /// <summary>The latest sequence seen; -1 until the first read that finds the agent's desk.</summary>
        public long Latest { get; set; } = -1;

        public TaskCompletionSource Moved { get; set; } = NewSource();
    }
}

/// <summary>One stream's interest in one agent; disposing it frees the stream's slot.</summary>
public sealed class AgentDeskWatch : IDisposable
{
    private readonly AgentDeskWatcher _watcher;
    private int _disposed;

    internal AgentDeskWatch(AgentDeskWatcher watcher, AgentDeskKey agent)
    {
        _watcher = watcher;
        Agent = agent;
    }

    public AgentDeskKey Agent { get; }

    /// <summary>
    /// The latest sequence the watcher has seen for the agent (-1 before it has seen one), and a task that
    /// completes when it sees a later one. Taken together, so a change between looking and waiting is never missed.
    /// </summary>
    public (long Latest, Task Moved) Observe()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        return _watcher.Observe(Agent);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _watcher.Release(Agent);
        }
    }
}
