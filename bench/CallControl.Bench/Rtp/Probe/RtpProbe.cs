using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CallControl.Testing;

namespace CallControl.Bench.Rtp.Probe;

/// <summary>
/// The measuring ends of the rtp benchmark's calls, in a process of its own (<c>rtp-probe</c>) so that its work
/// is not counted as the worker's. For every call it holds both ends of one direction: as the caller's phone it
/// sends G.711 to the worker's caller leg at 50 packets a second, noting when each packet left, and as the
/// callee's phone it reads what the worker relays out of the callee leg, with the kernel's arrival time. Loss
/// and delay are then counted packet by packet, with nothing inferred from sequence numbers, and the sender's
/// own pacing errors cannot pass for the worker's.
/// </summary>
/// <remarks>
/// <para>
/// The caller's SDP names a slot's source port and the callee's SDP the probe's one sink port, so with
/// symmetric RTP off the worker sends there; each packet carries its slot and counter in its payload, which
/// the worker passes through. A source learns the worker's caller-leg address from the first packet the
/// worker relays to it from the callee (SIPp streaming the other direction), and only then starts sending.
/// All callee legs sending to one socket lets the probe read them in batches (<c>recvmmsg</c>), which keeps
/// its share of the two cores small; the worker does the same work whatever port it sends to.
/// </para>
/// <para>
/// Control is one line at a time on standard input, answered on standard output: the probe prints
/// <c>ready S:K …</c> (each slot's source port and the sink port) once bound; then <c>status</c> →
/// <c>status L F</c> (slots latched, slots whose relayed packets arrive); <c>mark</c> → <c>marked</c> (the
/// window starts); <c>end</c> → <c>report {json}</c> (the window ends; late packets get a second); <c>quit</c>.
/// </para>
/// </remarks>
public static class RtpProbe
{
    /// <summary>The benchmark program's command that runs the probe.</summary>
    public const string Command = "rtp-probe";

    private const int PacketsPerSecond = 50;
    private static readonly TimeSpan LateAllowance = TimeSpan.FromSeconds(1);

    // Over a second of 800 calls' packets, at the kernel's accounting of about 1 KB per small datagram.
    private const int SinkBufferBytes = 64 * 1024 * 1024;
    private const ulong SinkToken = ulong.MaxValue;

    /// <summary>Runs the probe: <c>rtp-probe &lt;calls&gt; &lt;first port&gt;</c>.</summary>
    public static int Run(string[] args)
    {
        if (args.Length != 3
            || !int.TryParse(args[1], CultureInfo.InvariantCulture, out var calls) || calls <= 0
            || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var firstPort) || firstPort < 1024 || firstPort % 2 != 0)
        {
            Console.Error.WriteLine($"usage: {Command} <calls> <first even port>");
            return 2;
        }

        var (sink, sinkRtcp) = ProbeSlot.BindPair(firstPort) ?? throw new InvalidOperationException($"The probe's sink ports {firstPort}-{firstPort + 1} are taken.");
        LinuxUdp.SetLargeReceiveBuffer(sink, SinkBufferBytes);
        LinuxUdp.EnableTimestamps(sink);
        var slots = Bind(calls, firstPort + 2);
        var gate = new Lock();
        var window = new SinkWindow();
        using var udp = new LinuxUdp(maxEvents: 256);
        using var stop = new CancellationTokenSource();
        udp.Watch(sink, SinkToken);
        foreach (var slot in slots)
        {
            udp.Watch(slot.Source, (ulong)slot.Index);
        }

        var receiver = new Thread(() => Receive(udp, sink, slots, gate, window, stop.Token)) { IsBackground = true, Name = "probe receiver" };
        var generator = new Thread(() => Generate(slots, stop.Token)) { IsBackground = true, Name = "probe generator" };
        receiver.Start();
        generator.Start();
        var sinkPort = ((IPEndPoint)sink.LocalEndPoint!).Port;
        Console.WriteLine("ready " + string.Join(' ', slots.Select(slot => FormattableString.Invariant($"{slot.SourcePort}:{sinkPort}"))));

        while (Console.ReadLine() is { } line && line != "quit")
        {
            switch (line)
            {
                case "status":
                    lock (gate)
                    {
                        Console.WriteLine(FormattableString.Invariant($"status {slots.Count(slot => slot.Latched)} {slots.Count(slot => slot.Flowing)}"));
                    }

                    break;
                case "mark":
                    lock (gate)
                    {
                        window.Mark();
                        slots.ForEach(slot => slot.Mark());
                    }

                    Console.WriteLine("marked");
                    break;
                case "end":
                    lock (gate)
                    {
                        slots.ForEach(slot => slot.End());
                        window.End();
                    }

                    Thread.Sleep(LateAllowance);
                    lock (gate)
                    {
                        var report = new ProbeReport(
                            [.. slots.Select(slot => slot.Report())],
                            window.Duration.TotalSeconds,
                            window.QueueDrops,
                            window.Transits.Percentile(0.50),
                            window.Transits.Percentile(0.99),
                            window.Transits.MaxMilliseconds);
                        Console.WriteLine("report " + JsonSerializer.Serialize(report));
                    }

                    break;
                default:
                    Console.Error.WriteLine($"{Command}: unknown command '{line}'");
                    break;
            }
        }

        stop.Cancel();
        receiver.Join();
        generator.Join();
        slots.ForEach(slot => slot.Dispose());
        sink.Dispose();
        sinkRtcp.Dispose();
        return 0;
    }

    private static List<ProbeSlot> Bind(int calls, int firstPort)
    {
        var slots = new List<ProbeSlot>(calls);
        for (var port = firstPort; slots.Count < calls; port += 2)
        {
            if (port + 1 > ushort.MaxValue)
            {
                throw new InvalidOperationException($"Only {slots.Count} free port pairs from {firstPort}.");
            }

            if (ProbeSlot.TryBind(slots.Count, port) is { } slot)
            {
                slots.Add(slot);
            }
        }

        return slots;
    }

    /// <summary>
    /// Sends each latched slot's next packet every 20 ms, the slots spread evenly over the 20 ms as independent
    /// phones would be. A late wake-up delays packets but never spoils the figures: each packet's transit runs
    /// from its own send time.
    /// </summary>
    private static void Generate(List<ProbeSlot> slots, CancellationToken stop)
    {
        var tone = ToneWav.MuLaw(RtpBenchmark.ToneFrequency, TimeSpan.FromSeconds(1));
        var packet = new byte[ProbeSlot.PacketLength];
        var period = Stopwatch.Frequency / PacketsPerSecond;
        var start = Stopwatch.GetTimestamp();
        var due = new long[slots.Count];
        for (var index = 0; index < due.Length; index++)
        {
            due[index] = start + (period * index / due.Length);
        }

        while (!stop.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            for (var index = 0; index < due.Length; index++)
            {
                if (now >= due[index])
                {
                    due[index] += period;
                    slots[index].SendNext(packet, tone);
                }
            }

            Thread.Sleep(1);
        }
    }

    private static void Receive(LinuxUdp udp, Socket sink, List<ProbeSlot> slots, Lock gate, SinkWindow window, CancellationToken stop)
    {
        var tokens = new ulong[256];
        var buffer = new byte[2048];
        var datagrams = new LinuxDatagram[LinuxUdp.BatchSize];
        var heads = new byte[LinuxUdp.BatchSize * LinuxUdp.HeadBytes];
        while (!stop.IsCancellationRequested)
        {
            var count = udp.Wait(tokens, timeoutMilliseconds: 100);
            for (var index = 0; index < count; index++)
            {
                if (tokens[index] != SinkToken)
                {
                    // A source's first packet is the worker relaying the callee: it comes from the caller leg.
                    var slot = slots[(int)tokens[index]];
                    if (udp.Receive(slot.Source, buffer, withSource: true).Source is { } workerLeg)
                    {
                        slot.Latch(workerLeg);
                        udp.Unwatch(slot.Source);
                    }

                    continue;
                }

                int read;
                do
                {
                    read = udp.ReceiveBatch(sink, datagrams, heads);
                    lock (gate)
                    {
                        for (var packet = 0; packet < read; packet++)
                        {
                            var head = heads.AsSpan(packet * LinuxUdp.HeadBytes, datagrams[packet].Length);
                            window.Overflows(datagrams[packet].Overflows);
                            if (head.Length >= ProbeSlot.SlotOffset + 4
                                && BinaryPrimitives.ReadInt32BigEndian(head[ProbeSlot.SlotOffset..]) is var slot && slot >= 0 && slot < slots.Count
                                && slots[slot].OnRelayed(head, datagrams[packet]) is var transit && transit >= 0)
                            {
                                window.Transits.Add(transit);
                            }
                        }
                    }
                }
                while (read == LinuxUdp.BatchSize);
            }
        }
    }

    /// <summary>What the window saw of the sink as a whole: its queue drops and every packet's transit.</summary>
    private sealed class SinkWindow
    {
        private long _overflows;
        private long _overflowsAtMark;
        private long _markedAt;
        private long _endedAt;

        public TransitHistogram Transits { get; } = new();

        public long QueueDrops => Math.Max(0, _overflows - _overflowsAtMark);

        public TimeSpan Duration => Stopwatch.GetElapsedTime(_markedAt, _endedAt);

        /// <summary>The socket's drop count as the kernel gave it with a datagram (-1 when it did not).</summary>
        public void Overflows(long count)
        {
            if (count >= 0)
            {
                _overflows = count;
            }
        }

        public void Mark()
        {
            Transits.Clear();
            _overflowsAtMark = _overflows;
            _markedAt = Stopwatch.GetTimestamp();
        }

        public void End() => _endedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>Transit times in 10 µs buckets up to 1 s, the longest kept exactly.</summary>
    private sealed class TransitHistogram
    {
        private const long BucketTicks = 100;
        private readonly long[] _buckets = new long[100_000];
        private long _count;
        private long _max;

        public double MaxMilliseconds => (double)_max / TimeSpan.TicksPerMillisecond;

        public void Add(long ticks)
        {
            _buckets[Math.Clamp(ticks / BucketTicks, 0, _buckets.Length - 1)]++;
            _count++;
            _max = Math.Max(_max, ticks);
        }

        public void Clear()
        {
            Array.Clear(_buckets);
            _count = 0;
            _max = 0;
        }

        /// <summary>The upper edge of the bucket holding the <paramref name="share"/> quantile, in ms.</summary>
        public double Percentile(double share)
        {
            if (_count == 0)
            {
                return 0;
            }

            var rank = (long)Math.Ceiling(share * _count);
            long seen = 0;
            for (var bucket = 0; bucket < _buckets.Length; bucket++)
            {
                seen += _buckets[bucket];
                if (seen >= rank)
                {
                    return Math.Min((double)(bucket + 1) * BucketTicks, _max) / TimeSpan.TicksPerMillisecond;
                }
            }

            return MaxMilliseconds;
        }
    }
}
