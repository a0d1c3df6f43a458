using System.Globalization;
using System.Net;
using CallControl.Media.Sdp;
using CallControl.Media.Sip;
using CallControl.Media.Sip.Transport;
using CallControl.Testing;

namespace CallControl.Bench.Sip;

/// <summary>
/// The media worker's SIP stack as a signalling-only B2BUA on loopback UDP: a SIPp caller (<c>b2bua-caller.xml</c>)
/// calls the stack, each call is bridged to SIPp's built-in <c>uas</c>, and the caller hangs up after 5 s. The
/// call rate steps up (10 s probes) while a step ends with every call successful on both SIPp sides and on
/// the bridge, and SIPp kept the asked rate; the best passing rate is then confirmed for 30 s (stepping down
/// if it fails). Latency is SIPp's response time from the INVITE to the first provisional response.
/// </summary>
public static class SipBenchmark
{
    private const int StartRate = 50;
    private const int MaxRate = 1000;
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Confirmation = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CallLength = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    /// <summary>SIPp must have sent the calls at this share of the asked rate or better for a step to count.</summary>
    private const double RateKept = 0.95;

    private static int _nextRtpPort = 20000;

    public static async Task<int> RunAsync()
    {
        if (!File.Exists(SippProcess.Program))
        {
            Console.Error.WriteLine($"sip: SIPp is needed at {SippProcess.Program} (Debian package sip-tester)");
            return 2;
        }

        await using var stack = SipStack.Start(
            new SipStackOptions { ListenOn = [SipEndPoint.Udp(new IPEndPoint(IPAddress.Loopback, 0))] },
            _ => new SdpLocalMedia(IPAddress.Loopback, NextRtpPort()));
        var target = stack.LocalEndPoints.Single().EndPoint;
        Console.WriteLine($"stack: {target} (UDP, signalling only); calls of {CallLength.TotalSeconds:0} s; probes of {Probe.TotalSeconds:0} s from {StartRate} cps, confirmation {Confirmation.TotalSeconds:0} s");

        var passed = new List<Step>();
        for (var rate = StartRate; rate <= MaxRate; rate += rate < 200 ? 50 : 100)
        {
            var step = await RunStepAsync(stack, target, rate, Probe);
            Console.WriteLine(step.Describe("probe"));
            if (!step.Passed)
            {
                break;
            }

            passed.Add(step);
        }

        for (var i = passed.Count - 1; i >= 0; i--)
        {
            var confirmed = await RunStepAsync(stack, target, passed[i].Rate, Confirmation);
            Console.WriteLine(confirmed.Describe("confirm"));
            if (confirmed.Passed)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"sip: {confirmed.Rate} cps sustained; failed 0; invite-to-100 p99 {confirmed.P99:0} ms"));
                return 0;
            }
        }

        Console.WriteLine($"sip: no rate from {StartRate} cps was sustained with 0 failed calls");
        return 1;
    }

    private static async Task<Step> RunStepAsync(SipStack stack, IPEndPoint target, int rate, TimeSpan duration)
    {
        var calls = (int)(rate * duration.TotalSeconds);
        var limit = TimeSpan.FromSeconds(duration.TotalSeconds + CallLength.TotalSeconds + 40);
        var dropsBefore = stack.Transport.DroppedDatagrams;
        string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

        await using var callee = SippProcess.Start(new SippRun("uas", target)
        {
            BuiltIn = true, Calls = calls, Timeout = limit, Arguments = ["-l", Text(calls)],
        });
        await callee.WaitUntilListeningAsync(TimeSpan.FromSeconds(10));

        var bridge = new B2bua(stack.UserAgent, $"sip:agent@127.0.0.1:{callee.Port}");
        using var stop = new CancellationTokenSource();
        var bridging = bridge.RunAsync(stop.Token);
        await using var caller = SippProcess.Start(new SippRun(Path.Combine("Sip", "Scenarios", "b2bua-caller.xml"), target)
        {
            Calls = calls, Rate = rate, Timeout = limit, Arguments = ["-d", Text((int)CallLength.TotalMilliseconds), "-trace_rtt", "-rtt_freq", "1"],
        });

        var callerExit = await caller.WaitAsync(limit + TimeSpan.FromSeconds(5));
        var calleeExit = await callee.WaitAsync(TimeSpan.FromSeconds(15));
        // Whatever the bridge still holds (a leg left over from a failure) is given a moment to end.
        var settleUntil = DateTime.UtcNow + Settle;
        while (stack.UserAgent.ActiveCalls > 0 && DateTime.UtcNow < settleUntil)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await bridging;

        var times = caller.ResponseTimes();
        var latencies = times.Select(t => t.Milliseconds).Order().ToList();
        var offered = times.Count > 1 ? (times.Count - 1) / ((times.Max(t => t.At) - times.Min(t => t.At)) / 1000) : 0;
        return new Step(
            rate,
            duration,
            callerExit,
            calleeExit,
            SafeCounts(caller),
            SafeCounts(callee),
            bridge.Counts,
            stack.Transport.DroppedDatagrams - dropsBefore,
            offered,
            BenchHost.Percentile(latencies, 0.50),
            BenchHost.Percentile(latencies, 0.99),
            latencies.Count == 0 ? 0 : latencies[^1],
            callerExit == 0 && calleeExit == 0 ? string.Empty : caller.Errors() + callee.Errors());
    }

    private static SippCounts SafeCounts(SippProcess sipp)
    {
        try
        {
            return sipp.Counts();
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return new SippCounts(0, 0, -1, 0);
        }
    }

    private static int NextRtpPort()
    {
        // Signalling only: the ports are written in SDP and never opened, so they only have to look right.
        var port = Interlocked.Add(ref _nextRtpPort, 2);
        return 20000 + (port - 20000) % 40000;
    }

    private sealed record Step(
        int Rate,
        TimeSpan Duration,
        int CallerExit,
        int CalleeExit,
        SippCounts Caller,
        SippCounts Callee,
        BridgeCounts Bridge,
        long Dropped,
        double OfferedRate,
        double P50,
        double P99,
        double Max,
        string Errors)
    {
        private int Calls => (int)(Rate * Duration.TotalSeconds);

        public long Failed => Caller.Failed + Callee.Failed + Bridge.Failed;

        public bool Passed =>
            CallerExit == 0 && CalleeExit == 0 && Failed == 0
            && Caller.Successful == Calls && Callee.Successful == Calls && Bridge.Completed == 2L * Calls
            && OfferedRate >= Rate * RateKept;

        public string Describe(string kind)
        {
            var line = FormattableString.Invariant(
                $"{kind}: {Rate} cps for {Duration.TotalSeconds:0} s: {Calls} calls; caller ok {Caller.Successful} failed {Caller.Failed} (exit {CallerExit}); callee ok {Callee.Successful} failed {Callee.Failed} (exit {CalleeExit}); bridged {Bridge.Bridged}, legs failed {Bridge.Failed}; sent at {OfferedRate:0.0} cps; retransmissions {Caller.Retransmissions + Callee.Retransmissions}; dropped {Dropped}; invite-to-provisional p50 {P50:0} ms p99 {P99:0} ms max {Max:0} ms: {(Passed ? "pass" : "FAIL")}");
            var errors = Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3).Concat(Bridge.FirstFailures);
            return string.Join(Environment.NewLine + "  ", errors.Prepend(line));
        }
    }
}
