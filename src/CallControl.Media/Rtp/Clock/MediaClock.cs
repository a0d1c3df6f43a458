namespace CallControl.Media.Rtp.Clock;

/// <summary>
/// The one clock that paces all sending in the worker: every packet time it calls each subscriber from a
/// single dedicated thread, so 500 calls cost one thread and one wake-up per tick rather than 500 timers.
/// </summary>
/// <remarks>
/// <para>
/// Tick n is due at start + n × packet time, never "previous tick + packet time", so scheduling error does
/// not accumulate. A tick that runs late (the thread was descheduled, a GC paused it) is still run, and any
/// ticks missed meanwhile are run back to back at once, so every stream sends the packets it owes and the
/// far end's jitter buffer absorbs the burst; each is counted in <see cref="MediaClockStatistics.LateTicks"/>.
/// </para>
/// <para>
/// Waiting: <see cref="Thread.Sleep(int)"/> on Linux wakes about 50 µs to 1 ms after it was asked to, which
/// would be most of the 2 ms jitter budget, so the thread sleeps only until <c>spinWindow</c> before the
/// deadline and then yields in a loop until it arrives. The price is CPU: the thread stays runnable for about
/// <c>spinWindow</c> per tick (5 % of one core with the 1 ms default at 20 ms), and yielding rather than pure
/// spinning gives that core back to receive threads when they need it.
/// </para>
/// <para>
/// Subscribers are held in an array that is replaced on every change, so a tick reads one reference and
/// allocates nothing; adding or removing is a short lock and a copy, paid by the call that changes.
/// </para>
/// </remarks>
public sealed class MediaClock : IDisposable
{
    /// <summary>A tick at least this far behind its due time counts as late.</summary>
    public static readonly TimeSpan LateThreshold = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _time;
    private readonly long _packetTimestampTicks;
    private readonly TimeSpan _spinWindow;
    private readonly Lock _changing = new();
    private readonly LatenessHistogram _lateness = new();
    private IMediaClockSubscriber[] _subscribers = [];
    private Thread? _thread;
    private long _startTimestamp;
    private long _nextTick;
    private long _lateTicks;
    private long _faults;
    private volatile bool _stopping;

    /// <param name="packetTime">How often subscribers are called; 20 ms when null.</param>
    /// <param name="timeProvider">Where time is read from; the system clock when null.</param>
    /// <param name="spinWindow">How long before a deadline the thread stops sleeping and yields instead; 1 ms when null.</param>
    public MediaClock(TimeSpan? packetTime = null, TimeProvider? timeProvider = null, TimeSpan? spinWindow = null)
    {
        PacketTime = packetTime ?? TimeSpan.FromMilliseconds(20);
        if (PacketTime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(packetTime), PacketTime, "The packet time must be positive.");
        }

        _spinWindow = spinWindow ?? TimeSpan.FromMilliseconds(1);
        if (_spinWindow < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(spinWindow), _spinWindow, "The spin window cannot be negative.");
        }

        _time = timeProvider ?? TimeProvider.System;
        _packetTimestampTicks = (long)(PacketTime.Ticks * (double)_time.TimestampFrequency / TimeSpan.TicksPerSecond);
        _startTimestamp = _time.GetTimestamp();
    }

    public TimeSpan PacketTime { get; }

    /// <summary>How long the clock has run: the time base of <see cref="MediaTick.Due"/>.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(Volatile.Read(ref _startTimestamp));

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Starts calling subscribers from a dedicated thread; tick 0 is due now.</summary>
    public void Start()
    {
        lock (_changing)
        {
            if (_thread is not null)
            {
                throw new InvalidOperationException("The media clock is already running.");
            }

            ObjectDisposedException.ThrowIf(_stopping, this);
            Volatile.Write(ref _startTimestamp, _time.GetTimestamp());
            _thread = new Thread(Run)
            {
                Name = "Media clock",
                IsBackground = true,
                Priority = ThreadPriority.Highest,
            };
            _thread.Start();
        }
    }

    /// <summary>Adds a subscriber; it is first called at the next tick. Adding one already present does nothing.</summary>
    public void Add(IMediaClockSubscriber subscriber)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        lock (_changing)
        {
            var current = _subscribers;
            if (Array.IndexOf(current, subscriber) >= 0)
            {
                return;
            }

            var next = new IMediaClockSubscriber[current.Length + 1];
            current.CopyTo(next, 0);
            next[^1] = subscriber;
            Volatile.Write(ref _subscribers, next);
        }
    }

    /// <summary>
    /// Removes a subscriber; false if it was not there. A tick already running on the clock thread may still
    /// call it once, so a stream must tolerate one call after removal.
    /// </summary>
    public bool Remove(IMediaClockSubscriber subscriber)
    {
        lock (_changing)
        {
            var current = _subscribers;
            var index = Array.IndexOf(current, subscriber);
            if (index < 0)
            {
                return false;
            }

            var next = new IMediaClockSubscriber[current.Length - 1];
            Array.Copy(current, 0, next, 0, index);
            Array.Copy(current, index + 1, next, index, current.Length - index - 1);
            Volatile.Write(ref _subscribers, next);
            return true;
        }
    }

    public MediaClockStatistics GetStatistics() => new(
        _lateness.Total,
        Volatile.Read(ref _lateTicks),
        Volatile.Read(ref _faults),
        _lateness.Percentile(0.5),
        _lateness.Percentile(0.99),
        _lateness.Max);

    /// <summary>Stops the thread after the tick in progress, if any.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_changing)
        {
            _stopping = true;
            thread = _thread;
        }

        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
    }

    /// <summary>
    /// Runs every tick due by now, oldest first, and returns the time until the next one is due. The clock
    /// thread's only work; tests call it directly with a time provider they move by hand.
    /// </summary>
    internal TimeSpan RunDueTicks()
    {
        var start = Volatile.Read(ref _startTimestamp);
        while (true)
        {
            var now = _time.GetTimestamp();
            var dueTimestamp = start + (_nextTick * _packetTimestampTicks);
            if (now < dueTimestamp)
            {
                return _time.GetElapsedTime(now, dueTimestamp);
            }

            var tick = new MediaTick(_nextTick, TimeSpan.FromTicks(_nextTick * PacketTime.Ticks), _time.GetElapsedTime(dueTimestamp, now));
            _nextTick++;
            _lateness.Record(tick.Lateness);
            if (tick.Lateness >= LateThreshold)
            {
                Interlocked.Increment(ref _lateTicks);
            }

            foreach (var subscriber in Volatile.Read(ref _subscribers))
            {
                try
                {
                    subscriber.OnTick(tick);
                }
                catch (Exception)
                {
                    // One broken stream must not silence every other call on the worker.
                    Interlocked.Increment(ref _faults);
                }
            }
        }
    }

    private void Run()
    {
        while (!_stopping)
        {
            var wait = RunDueTicks();
            var sleep = wait - _spinWindow;
            if (sleep >= TimeSpan.FromMilliseconds(1))
            {
                Thread.Sleep((int)sleep.TotalMilliseconds);
            }
            else if (wait > TimeSpan.Zero)
            {
                Thread.Yield();
            }
        }
    }
}
