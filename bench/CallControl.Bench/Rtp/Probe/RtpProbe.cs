using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

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
/// The caller's SDP names a slot's source port and the callee's SDP its sink port, so with symmetric RTP off
/// the worker sends there. The source learns the worker's caller-leg address from the first packet the worker
/// relays to it from the callee (SIPp streaming the other direction), and only then starts sending.
/// </para>
/// <para>
/// Control is one line at a time on standard input, answered on standard output: the probe prints
/// <c>ready S:K …</c> (each slot's source and sink port) once bound; then <c>status</c> → <c>status L F</c>
/// (slots latched, slots whose relayed packets arrive); <c>mark</c> → <c>marked</c> (the window starts);
/// <c>end</c> → <c>report {json}</c> (the window ends; late packets get a second); <c>quit</c>.
/// </para>
/// </remarks>
public static class RtpProbe
{
    /// <summary>The benchmark program's command that runs the probe.</summary>
    public const string Command = "rtp-probe";

    private const int PacketsPerSecond = 50;
    private static readonly TimeSpan LateAllowance = TimeSpan.FromSeconds(1);

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

        var slots = Bind(calls, firstPort);
        var gate = new Lock();
        var transits = new TransitHistogram();
        using var udp = new LinuxUdp(maxEvents: 256);
        using var stop = new CancellationTokenSource();
        foreach (var slot in slots)
        {
            udp.Watch(slot.Source, (ulong)slot.Index << 1);
            udp.Watch(slot.Sink, ((ulong)slot.Index << 1) | 1);
        }

        var receiver = new Thread(() => Receive(udp, slots, gate, transits, stop.Token)) { IsBackground = true, Name = "probe receiver" };
        var generator = new Thread(() => Generate(slots, stop.Token)) { IsBackground = true, Name = "probe generator" };
        receiver.Start();
        generator.Start();
        Console.WriteLine("ready " + string.Join(' ', slots.Select(slot => FormattableString.Invariant($"{slot.SourcePort}:{slot.SinkPort}"))));

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
                        transits.Clear();
                        slots.ForEach(slot => slot.Mark());
                    }

                    Console.WriteLine("marked");
                    break;
                case "end":
                    lock (gate)
                    {
                        slots.ForEach(slot => slot.End());
                    }

                    Thread.Sleep(LateAllowance);
                    lock (gate)
                    {
                        var report = new ProbeReport(
                            [.. slots.Select(slot => slot.Report())],
                            transits.Percentile(0.50),
                            transits.Percentile(0.99),
                            transits.MaxMilliseconds);
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
        return 0;
    }

    private static List<ProbeSlot> Bind(int calls, int firstPort)
    {
        var slots = new List<ProbeSlot>(calls);
        for (var port = firstPort; slots.Count < calls; port += 4)
        {
            if (port + 3 > ushort.MaxValue)
            {
                throw new InvalidOperationException($"Only {slots.Count} free groups of four ports from {firstPort}.");
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
        var tone = Tone.MuLaw(TimeSpan.FromSeconds(1));
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

    private static void Receive(LinuxUdp udp, List<ProbeSlot> slots, Lock gate, TransitHistogram transits, CancellationToken stop)
    {
        var tokens = new ulong[256];
        var buffer = new byte[2048];
        while (!stop.IsCancellationRequested)
        {
            var count = udp.Wait(tokens, timeoutMilliseconds: 100);
            for (var index = 0; index < count; index++)
            {
                var slot = slots[(int)(tokens[index] >> 1)];
                if ((tokens[index] & 1) == 0)
                {
                    // The source's first packet is the worker relaying the callee: it comes from the caller leg.
                    if (udp.Receive(slot.Source, buffer, withSource: true).Source is { } workerLeg)
                    {
                        slot.Latch(workerLeg);
                        udp.Unwatch(slot.Source);
                    }

                    continue;
                }

                var datagram = udp.Receive(slot.Sink, buffer);
                if (datagram.Length == 0)
                {
                    continue;
                }

                lock (gate)
                {
                    var transit = slot.OnRelayed(buffer.AsSpan(0, datagram.Length), datagram);
                    if (transit >= 0)
                    {
                        transits.Add(transit);
                    }
                }
            }
        }
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
