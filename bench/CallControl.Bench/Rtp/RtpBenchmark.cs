using System.Diagnostics;
using System.Globalization;
using System.Net;
using CallControl.Bench.Rtp.Probe;
using CallControl.Bench.Sip;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Rtp;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Sip.Transport;
using CallControl.Testing;

namespace CallControl.Bench.Rtp;

/// <summary>
/// The media engine in the benchmark's process as a B2BUA with real RTP, at 100, 300, 500 and 800 concurrent
/// bridged calls. A SIPp caller (<c>rtp-caller.xml</c>) calls the engine; each offered leg places a callee leg
/// to a SIPp callee (<c>rtp-callee.xml</c>), is answered when the callee answers, and is bridged to it. SIPp's
/// callee streams G.711 to the worker (<c>rtp_stream</c>); the caller's phone is the probe
/// (<see cref="RtpProbe"/>, a process of its own), which sends the caller's audio and receives what the worker
/// relays to the callee, so that every packet of that direction is timed from its send to its relayed arrival.
/// Once every call is bridged and its audio flows both ways, 30 s are measured; the caller then hangs up.
/// </summary>
/// <remarks>
/// Per level: the benchmark process's CPU time over wall time, in % of one core (SIPp and the probe run in
/// processes of their own; the process holds nothing but the engine and this loop, idle during the window);
/// loss, 1 − packets that reached the probe's sinks / packets the probe sent to the caller legs in the window
/// (kernel drops on the worker's sockets included, the probe's own receive-queue drops counted as delivered
/// and shown); added jitter, the 99th percentile over calls of each call's RFC 3550 jitter of the worker's
/// transit (probe send to kernel arrival at the sink, so the input's own jitter is zero by construction); and
/// managed allocations per second. The last line names the largest level with loss under 0.1 %.
/// </remarks>
public static class RtpBenchmark
{
    /// <summary>The concurrent calls of each level, when the command line names none.</summary>
    public static readonly IReadOnlyList<int> DefaultLevels = [100, 300, 500, 800];

    /// <summary>The tone every call carries, both ways.</summary>
    public const double ToneFrequency = 425;

    private const int SetupRate = 100;
    private const double MaxLossPercent = 0.1;
    private const int PacketsPerSecond = 50;
    private static readonly TimeSpan Measurement = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    // Beyond the time SIPp takes to place the calls at the setup rate, for the last ones to be bridged and flowing.
    private static readonly TimeSpan SetupAllowance = TimeSpan.FromSeconds(10);

    // Between the end of the window and the first caller's BYE: the window's figures are collected meanwhile.
    private static readonly TimeSpan HangupMargin = TimeSpan.FromSeconds(5);

    // A BYE the far end never answers fails after 64 × T1 = 32 s: the legs of a level are given that long to end.
    private static readonly TimeSpan TeardownAllowance = TimeSpan.FromSeconds(35);

    /// <summary>Both directions must carry this share of 50 packets a second per call for the level to count.</summary>
    private const double LoadKept = 0.95;

    // Ports of the three parties, apart from each other, below Linux's ephemeral range and the tests' random ranges.
    private const int WorkerPortLow = 16000;
    private const int WorkerPortHigh = 19999;
    private const int CalleeMediaPort = 20000;
    private const int ProbePort = 24000;

    // What SIPp logs each time its main loop ran late by 500 ms or more: SIPp short of CPU.
    private const string SippOverload = "watchdog timer";

    // A packet held this long by the worker is a gap a jitter buffer cannot hide.
    private const double SlowTransitMilliseconds = 100;

    /// <param name="levels">The levels to run instead of <see cref="DefaultLevels"/>, when any.</param>
    public static async Task<int> RunAsync(IReadOnlyList<int> levels)
    {
        if (levels.Count == 0)
        {
            levels = DefaultLevels;
        }
        else if (levels.Any(calls => calls <= 0))
        {
            Console.Error.WriteLine("rtp: levels are numbers of concurrent calls, above 0");
            return 2;
        }

        if (!File.Exists(SippProcess.Program))
        {
            Console.Error.WriteLine($"rtp: SIPp is needed at {SippProcess.Program} (Debian package sip-tester)");
            return 2;
        }

        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"callcontrol-rtp-bench-{Guid.NewGuid():N}")).FullName;
        try
        {
            var callee = PrepareCallee(folder);
            await using var engine = MediaEngine.Start(new MediaEngineOptions
            {
                SipListenOn = [SipEndPoint.Udp(new IPEndPoint(IPAddress.Loopback, 0))],
                MediaAddress = IPAddress.Loopback,
                MediaPorts = new RtpPortRange(WorkerPortLow, WorkerPortHigh),
                Latching = SymmetricRtp.Off,
            });
            var target = engine.SipEndPoints.Single().EndPoint;
            Console.WriteLine(FormattableString.Invariant(
                $"worker: SIP {target} (UDP), media 127.0.0.1:{WorkerPortLow}-{WorkerPortHigh}, symmetric RTP off; calls set up at {SetupRate}/s, measured {Measurement.TotalSeconds:0} s once all are bridged and flowing"));
            Console.WriteLine("cpu is the benchmark process's (the worker's) CPU time over wall time in % of ONE core; SIPp and the probe run in processes of their own");
            Console.WriteLine("loss = 1 - relayed packets that reached the probe / packets the probe sent to the worker; jitter = p99 over calls of the RFC 3550 jitter of each packet's transit through the worker (probe send -> kernel arrival of the relayed packet), which is the jitter the worker adds since the probe's send times are the input's");
            WarnAboutFileLimit(levels.Max());

            var results = new List<LevelResult>();
            foreach (var calls in levels)
            {
                var result = await RunLevelAsync(engine, target, callee, folder, calls);
                Console.WriteLine(result.Describe());
                results.Add(result);
            }

            if (results.Where(result => result.Passed).MaxBy(result => result.Calls) is not { } best)
            {
                Console.WriteLine(FormattableString.Invariant($"rtp: no level ran with every call bridged, its packets sent and loss under {MaxLossPercent} %"));
                return 1;
            }

            Console.WriteLine(FormattableString.Invariant(
                $"rtp: {best.Calls} calls at {best.CpuPercent:0.0}% cpu, loss {best.LossPercent:0.000}%, jitter-p99 {best.JitterP99:0.000} ms, alloc {best.AllocatedPerSecond:0} B/s"));
            return 0;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes the callee's tone and its scenario, with the tone's path where SIPp reads it.</summary>
    private static string PrepareCallee(string folder)
    {
        var tone = Path.Combine(folder, "tone.wav");
        ToneWav.Write(tone, ToneFrequency, TimeSpan.FromSeconds(4));
        var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rtp", "Scenarios", "rtp-callee.xml"));
        var scenario = Path.Combine(folder, "rtp-callee.xml");
        File.WriteAllText(scenario, template.Replace("@TONE@", tone, StringComparison.Ordinal));
        return scenario;
    }

    private static async Task<LevelResult> RunLevelAsync(MediaEngine engine, IPEndPoint target, string calleeScenario, string folder, int calls)
    {
        var placing = TimeSpan.FromSeconds((double)calls / SetupRate);
        var hold = placing + SetupAllowance + Settle + Measurement + HangupMargin;
        var limit = placing + hold + TimeSpan.FromSeconds(60);
        string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        await using var probe = await RtpProbeProcess.StartAsync(calls, ProbePort);
        var injection = Path.Combine(folder, $"callers-{calls}.csv");
        await File.WriteAllLinesAsync(injection, probe.Slots.Select((ports, slot) => $"{slot};{ports.Source}").Prepend("SEQUENTIAL"));

        await using var callee = SippProcess.Start(new SippRun(calleeScenario, target)
        {
            Calls = calls, Timeout = limit, Arguments = ["-l", Text(calls), "-mi", "127.0.0.1", "-mp", Text(CalleeMediaPort)],
        });
        await callee.WaitUntilListeningAsync(TimeSpan.FromSeconds(10));

        var bridge = new MediaBridge(engine, slot => slot < probe.Slots.Count ? $"sip:{probe.Slots[slot].Sink}@127.0.0.1:{callee.Port}" : null);
        using var stop = new CancellationTokenSource();
        var bridging = bridge.RunAsync(stop.Token);
        await using var caller = SippProcess.Start(new SippRun(Path.Combine("Rtp", "Scenarios", "rtp-caller.xml"), target)
        {
            Calls = calls, Rate = SetupRate, Timeout = limit,
            Arguments = ["-inf", injection, "-l", Text(calls), "-d", Text((int)hold.TotalMilliseconds)],
        });

        var result = new LevelResult(calls);
        var upBy = Stopwatch.GetTimestamp() + (long)((placing + SetupAllowance).TotalSeconds * Stopwatch.Frequency);
        (result.Latched, result.Flowing) = await probe.StatusAsync();
        while ((bridge.BridgedTotal < calls || result.Flowing < calls) && Stopwatch.GetTimestamp() < upBy && bridge.Failed == 0)
        {
            await Task.Delay(250);
            (result.Latched, result.Flowing) = await probe.StatusAsync();
        }

        result.Bridged = bridge.BridgedTotal;
        if (result.Bridged == calls && result.Flowing == calls && bridge.Failed == 0)
        {
            await Task.Delay(Settle);
            await MeasureAsync(bridge, probe, result);
        }

        var callerExit = await caller.WaitAsync(limit);
        var calleeExit = await callee.WaitAsync(TimeSpan.FromSeconds(15));
        if (!await WaitUntilAsync(() => bridge.Live == 0, TeardownAllowance))
        {
            result.LeftOver = bridge.Live;
            bridge.HangUpAll();
            await WaitUntilAsync(() => bridge.Live == 0, TimeSpan.FromSeconds(5));
        }

        await stop.CancelAsync();
        await bridging;
        result.Completed = bridge.Completed;
        result.Failed = bridge.Failed;
        result.SippExits = (callerExit, calleeExit);
        var callerErrors = caller.Errors();
        var calleeErrors = callee.Errors();
        result.SippOverloads = Occurrences(callerErrors, SippOverload) + Occurrences(calleeErrors, SippOverload);
        result.Notes =
        [
            .. bridge.FirstFailures,
            .. callerExit == 0 ? [] : FirstLines(callerErrors),
            .. calleeExit == 0 ? [] : FirstLines(calleeErrors),
        ];
        return result;
    }

    /// <summary>
    /// The window: packet counters and the probe's mark first, then CPU, allocations and the clock, so that
    /// nothing but the engine runs in the benchmark process between the two readings.
    /// </summary>
    private static async Task MeasureAsync(MediaBridge bridge, RtpProbeProcess probe, LevelResult result)
    {
        var packetsBefore = await bridge.CountPacketsAsync();
        var packetsFrom = Stopwatch.GetTimestamp();
        await probe.MarkAsync();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var from = Stopwatch.GetTimestamp();
        await Task.Delay(Measurement);
        var cpuAfter = Environment.CpuUsage.TotalTime;
        var allocatedAfter = GC.GetTotalAllocatedBytes(precise: true);
        var elapsed = Stopwatch.GetElapsedTime(from);

        var report = await probe.EndAsync();
        var packetsAfter = await bridge.CountPacketsAsync();
        var packetSeconds = Stopwatch.GetElapsedTime(packetsFrom).TotalSeconds;
        var callerQuality = await bridge.CallerQualityAsync();

        result.Measured = true;
        result.CpuPercent = (cpuAfter - cpuBefore) / elapsed * 100;
        result.AllocatedPerSecond = (allocatedAfter - allocatedBefore) / elapsed.TotalSeconds;
        result.Sent = report.Slots.Sum(slot => slot.Sent);
        result.Received = report.Slots.Sum(slot => slot.Received);
        result.ProbeDrops = report.QueueDrops;
        result.JitterP99 = BenchHost.Percentile([.. report.Slots.Select(slot => slot.JitterMilliseconds).Order()], 0.99);
        result.Transit = (report.TransitP50Milliseconds, report.TransitP99Milliseconds, report.TransitMaxMilliseconds);
        result.SlowCalls = report.Slots.Count(slot => slot.MaxTransitMilliseconds > SlowTransitMilliseconds);
        result.Untimed = report.Slots.Sum(slot => slot.Untimed);
        result.ProbeRate = result.Sent / report.WindowSeconds;
        var packets = packetsAfter - packetsBefore;
        result.PacketRates = (
            packets.CallerReceived / packetSeconds,
            packets.CalleeReceived / packetSeconds,
            packets.RelayedToCallees / packetSeconds,
            packets.RelayedToCallers / packetSeconds,
            packets.NotSent);
        result.WorkerSeenLoss = callerQuality.Count == 0 ? 0 : callerQuality.Max(quality => quality.LossPercent);
        result.WorkerSeenJitterP99 = BenchHost.Percentile([.. callerQuality.Select(quality => quality.JitterMilliseconds).Order()], 0.99);
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > until)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private static IEnumerable<string> FirstLines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(2);

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>Each call holds four sockets in the worker; a soft limit below that fails the top levels in a confusing way.</summary>
    private static void WarnAboutFileLimit(int calls)
    {
        var needed = (4 * calls) + 256;
        var limits = File.Exists("/proc/self/limits") ? File.ReadLines("/proc/self/limits").FirstOrDefault(line => line.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        var soft = limits?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3);
        if (soft is not null && soft != "unlimited" && int.TryParse(soft, CultureInfo.InvariantCulture, out var open) && open < needed)
        {
            Console.WriteLine($"warning: open files are limited to {open}; {calls} calls need about {needed} in this process (ulimit -n)");
        }
    }

    private sealed class LevelResult(int calls)
    {
        public int Calls { get; } = calls;

        public int Latched { get; set; }

        public int Flowing { get; set; }

        public long Bridged { get; set; }

        public bool Measured { get; set; }

        public double CpuPercent { get; set; }

        public double AllocatedPerSecond { get; set; }

        public long Sent { get; set; }

        public long Received { get; set; }

        public long ProbeDrops { get; set; }

        public double LossPercent => Sent == 0 ? 100 : 100.0 * (1 - ((double)(Received + ProbeDrops) / Sent));

        public double JitterP99 { get; set; }

        public (double P50, double P99, double Max) Transit { get; set; }

        public (double CallerIn, double CalleeIn, double ToCallees, double ToCallers, long NotSent) PacketRates { get; set; }

        public int SlowCalls { get; set; }

        public long Untimed { get; set; }

        public double ProbeRate { get; set; }

        public int LeftOver { get; set; }

        public double WorkerSeenLoss { get; set; }

        public double WorkerSeenJitterP99 { get; set; }

        public long Completed { get; set; }

        public long Failed { get; set; }

        public (int Caller, int Callee) SippExits { get; set; }

        public int SippOverloads { get; set; }

        public IReadOnlyList<string> Notes { get; set; } = [];

        private double ExpectedRate => (double)Calls * PacketsPerSecond;

        private bool ProbeKeptUp => ProbeRate >= ExpectedRate * LoadKept;

        private bool SippKeptUp => PacketRates.CalleeIn >= ExpectedRate * LoadKept;

        public bool Passed => Measured && LossPercent < MaxLossPercent && ProbeKeptUp && SippKeptUp;

        public string Describe()
        {
            string line;
            if (!Measured)
            {
                line = FormattableString.Invariant(
                    $"level {Calls}: not measured: {Bridged}/{Calls} bridged, {Latched} probe sources latched, {Flowing} flowing within {((double)Calls / SetupRate) + SetupAllowance.TotalSeconds:0} s; legs failed {Failed}; SIPp exits caller {SippExits.Caller} callee {SippExits.Callee}, overload warnings {SippOverloads}: FAIL");
            }
            else
            {
                line = FormattableString.Invariant(
                    $"level {Calls}: {Calls} calls bridged; cpu {CpuPercent:0.0}% of one core; loss {LossPercent:0.000}% ({Sent - Received - ProbeDrops} of {Sent} packets; probe queue drops {ProbeDrops}); jitter-p99 {JitterP99:0.000} ms; transit p50 {Transit.P50:0.000} ms p99 {Transit.P99:0.000} ms max {Transit.Max:0.0} ms, calls with a packet over {SlowTransitMilliseconds:0} ms {SlowCalls}; alloc {AllocatedPerSecond:0} B/s; ")
                    + FormattableString.Invariant(
                    $"worker in: from the probe (callers) {PacketRates.CallerIn:0} pkt/s, from SIPp (callees) {PacketRates.CalleeIn:0} pkt/s, {ExpectedRate:0} each expected; out: to callees {PacketRates.ToCallees:0} pkt/s, to callers {PacketRates.ToCallers:0} pkt/s, not sent {PacketRates.NotSent}; ")
                    + FormattableString.Invariant(
                    $"caller legs as the worker measured them (probe pacing included): loss max {WorkerSeenLoss:0.000}%, jitter p99 {WorkerSeenJitterP99:0.000} ms; calls completed {Completed / 2} of {Calls}, legs failed {Failed}, left over {LeftOver}; SIPp exits caller {SippExits.Caller} callee {SippExits.Callee}, overload warnings {SippOverloads}: {(Passed ? "pass" : "FAIL")}");
                if (!SippKeptUp)
                {
                    line += FormattableString.Invariant($"{Environment.NewLine}  SIPp's callee streamed only {100 * PacketRates.CalleeIn / ExpectedRate:0}% of the packets it should: it is not keeping up at this level, which does not count");
                }

                if (!ProbeKeptUp)
                {
                    line += FormattableString.Invariant($"{Environment.NewLine}  the probe sent only {100 * ProbeRate / ExpectedRate:0}% of the packets it should: the machine is short of CPU at this level, which does not count");
                }

                if (Untimed > 0)
                {
                    line += FormattableString.Invariant($"{Environment.NewLine}  {Untimed} packets came without a kernel timestamp and were timed when the probe read them");
                }
            }

            return string.Join(Environment.NewLine + "  ", Notes.Prepend(line));
        }
    }
}
