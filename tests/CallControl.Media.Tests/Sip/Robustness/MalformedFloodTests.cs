using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CallControl.Media.Sdp;
using CallControl.Media.Sip;
using CallControl.Media.Sip.Transactions;
using CallControl.Media.Sip.Transport;
using CallControl.Media.Sip.UserAgent;
using CallControl.Testing;
using Xunit.Abstractions;

namespace CallControl.Media.Tests.Sip.Robustness;

/// <summary>Tests that measure the whole process's heap run alone, so no other test's garbage is counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurements
{
    public const string Name = "process-wide measurements";
}

/// <summary>
/// The stack on loopback UDP taking SIPp's calls while a second sender floods its port with malformed datagrams.
/// </summary>
[Collection(ProcessWideMeasurements.Name)]
public sealed class MalformedFloodTests(ITestOutputHelper output)
{
    private const int SippCalls = 60;
    private const int SippRate = 10;
    private const int FloodRate = 1000;
    private static readonly TimeSpan FloodDuration = TimeSpan.FromSeconds(5);

    /// <summary>
    /// T1 at 100 ms puts every transaction timer that holds state (H, J, L: 64·T1) at 6.4 s instead of 32 s, so
    /// the tables can be seen to drain inside the test's time; the flood's handling does not depend on T1.
    /// </summary>
    private static readonly SipTransactionOptions ShortTimers = new() { T1 = TimeSpan.FromMilliseconds(100), T4 = TimeSpan.FromSeconds(1) };

    /// <summary>
    /// How far the heap after a forced collection may grow over the run (measured: about 2 MB). The flood alone
    /// carries about 39 MB (a fifth of its datagrams are 8 KiB to 64 KiB), so keeping half of it would fail;
    /// what may stay is the shared array pool's cached buffers (a few per size and core) and the like.
    /// </summary>
    private const long HeapGrowthBound = 16 * 1024 * 1024;

    private static int _nextRtpPort = 52000;

    [Fact]
    public async Task EverySippCallSucceedsWhileAThousandMalformedDatagramsASecondArriveAndTheStackDrainsAfterwards()
    {
        Sipp.IsInstalled.ShouldBeTrue("SIPp is installed by test.sh (Debian package sip-tester)");
        await using var stack = SipStack.Start(
            new SipStackOptions { ListenOn = [SipEndPoint.Udp(new IPEndPoint(IPAddress.Loopback, 0))], Transactions = ShortTimers },
            _ => new SdpLocalMedia(IPAddress.Loopback, Interlocked.Add(ref _nextRtpPort, 2)));
        var target = stack.LocalEndPoints.Single().EndPoint;
        var transactions = stack.UserAgent.Transactions;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        await using var sipp = Sipp.Start(new SippRun("uac", target)
        {
            BuiltIn = true,
            Calls = SippCalls,
            Rate = SippRate,
            Timeout = TimeSpan.FromSeconds(25),
            Arguments = ["-d", "300"],
        });
        using var stop = new CancellationTokenSource();
        var calls = new CallCounts();
        var answering = AnswerSippRejectTheRestAsync(stack.UserAgent, sipp.LocalPort, calls, stop.Token);

        var flood = await FloodAsync(target);
        var heapAtFloodEnd = GC.GetTotalMemory(forceFullCollection: false);
        var sippResult = await sipp.WaitAsync(TimeSpan.FromSeconds(30));
        var drainStarted = Stopwatch.GetTimestamp();
        var drained = await DrainedAsync(transactions, stack.UserAgent, ShortTimers.T1 * 64 + TimeSpan.FromSeconds(3));
        var drainTime = Stopwatch.GetElapsedTime(drainStarted);
        var options = await OptionsStatusAsync(target);
        await stop.CancelAsync();
        await answering;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);

        output.WriteLine($"flood: {flood.Sent} datagrams ({flood.Bytes / 1e6:0.0} MB) in {flood.Elapsed.TotalSeconds:0.00} s; {flood.Answers.Sum(a => a.Value)} answers back: {string.Join(", ", flood.Answers.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}"))}");
        output.WriteLine($"calls: sipp answered {calls.SippAnswered}, ended {calls.SippEnded}; flood INVITEs offered and rejected {calls.Rejected}; transport dropped {stack.Transport.DroppedDatagrams}");
        output.WriteLine($"drain: {drained.Transactions} transactions and {drained.Calls} calls left {drainTime.TotalSeconds:0.0} s after SIPp ended");
        output.WriteLine($"heap: {heapBefore / 1e6:0.0} MB before, {heapAtFloodEnd / 1e6:0.0} MB at the flood's end (uncollected), {heapAfter / 1e6:0.0} MB after");

        sippResult.Succeeded.ShouldBeTrue(sippResult.ToString());
        calls.SippAnswered.ShouldBe(SippCalls);
        calls.SippEnded.ShouldBe(SippCalls);
        flood.Sent.ShouldBe((int)(FloodRate * FloodDuration.TotalSeconds));
        flood.Elapsed.ShouldBeLessThan(FloodDuration + TimeSpan.FromSeconds(1.5), "the flood must keep its rate for the test to mean anything");
        flood.Answers.GetValueOrDefault(400).ShouldBeGreaterThan(0, "malformed requests that can be answered get 400");
        drained.Transactions.ShouldBe(0);
        drained.Calls.ShouldBe(0);
        options.ShouldBe(200);
        (heapAfter - heapBefore).ShouldBeLessThan(HeapGrowthBound);
    }

    private static async Task AnswerSippRejectTheRestAsync(SipUserAgent userAgent, int sippPort, CallCounts counts, CancellationToken stop)
    {
        try
        {
            await foreach (var fact in userAgent.Events.ReadAllAsync(stop))
            {
                var fromSipp = fact.Call.Remote.EndPoint.Port == sippPort;
                switch (fact)
                {
                    case SipCallEvent.Offered { Call: var call } when fromSipp:
                        if (call.Answer())
                        {
                            counts.OnSippAnswered();
                        }

                        break;
                    case SipCallEvent.Offered { Call: var call }:
                        if (call.Reject(603))
                        {
                            counts.OnRejected();
                        }

                        break;
                    case SipCallEvent.Terminated { StatusCode: 200, Initiator: SipInitiator.Remote } when fromSipp:
                        counts.OnSippEnded();
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The test has what it needs.
        }
    }

    /// <summary>
    /// Sends the malformed datagrams open loop at <see cref="FloodRate"/> a second (a few each millisecond
    /// tick, however the stack keeps up) and counts the stack's answers by status code.
    /// </summary>
    private static async Task<FloodResult> FloodAsync(IPEndPoint target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.SendBufferSize = 1024 * 1024;
        var datagrams = new MalformedDatagrams(seed: 3261, ((IPEndPoint)socket.LocalEndPoint!).Port);
        var answers = new ConcurrentDictionary<int, int>();
        using var stopListening = new CancellationTokenSource();
        var listening = CountAnswersAsync(socket, answers, stopListening.Token);

        var total = (int)(FloodRate * FloodDuration.TotalSeconds);
        var (sent, bytes) = (0, 0L);
        var started = Stopwatch.GetTimestamp();
        while (sent < total)
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * FloodRate) + 1);
            for (; sent < due; sent++)
            {
                var (_, datagram) = datagrams.Next();
                bytes += socket.SendTo(datagram, target);
            }

            await Task.Delay(1);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        // Answers to the last datagrams (and the 603s' retransmissions) are still coming; a moment is enough to show them.
        await Task.Delay(500);
        await stopListening.CancelAsync();
        await listening;
        return new FloodResult(sent, bytes, elapsed, answers);
    }

    private static async Task CountAnswersAsync(Socket socket, ConcurrentDictionary<int, int> answers, CancellationToken stop)
    {
        var buffer = new byte[70_000];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer, SocketFlags.None, stop);
                var text = Encoding.ASCII.GetString(buffer, 0, Math.Min(received, 12));
                if (text.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && int.TryParse(text.AsSpan(8, 3), out var status))
                {
                    answers.AddOrUpdate(status, 1, (_, n) => n + 1);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The flood is over.
        }
    }

    private static async Task<(int Transactions, int Calls)> DrainedAsync(SipTransactionLayer transactions, SipUserAgent userAgent, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var left = (transactions.ClientTransactionCount + transactions.ServerTransactionCount, userAgent.ActiveCalls);
            if (left == (0, 0) || Stopwatch.GetTimestamp() > deadline)
            {
                return left;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The status of the stack's answer to an OPTIONS from a fresh socket (retransmitted as RFC 3261 asks), or 0.</summary>
    private static async Task<int> OptionsStatusAsync(IPEndPoint target)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var callId = $"{Guid.NewGuid():N}@probe.invalid";
        var request = Encoding.ASCII.GetBytes($"""
            OPTIONS sip:service@{target} SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK{Guid.NewGuid():N}
            Max-Forwards: 70
            From: <sip:probe@127.0.0.1:{port}>;tag=probe
            To: <sip:service@{target}>
            Call-ID: {callId}
            CSeq: 1 OPTIONS
            Content-Length: 0


            """.ReplaceLineEndings("\r\n"));
        var buffer = new byte[8192];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            await socket.SendToAsync(request, target);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            try
            {
                while (true)
                {
                    var received = await socket.ReceiveAsync(buffer, SocketFlags.None, wait.Token);
                    var answer = Encoding.ASCII.GetString(buffer, 0, received);
                    if (answer.Contains(callId, StringComparison.Ordinal) && int.TryParse(answer.AsSpan(8, 3), out var status) && status >= 200)
                    {
                        return status;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Lost or slow: send again.
            }
        }

        return 0;
    }

    private sealed class CallCounts
    {
        private int _sippAnswered;
        private int _sippEnded;
        private int _rejected;

        public int SippAnswered => Volatile.Read(ref _sippAnswered);

        public int SippEnded => Volatile.Read(ref _sippEnded);

        public int Rejected => Volatile.Read(ref _rejected);

        public void OnSippAnswered() => Interlocked.Increment(ref _sippAnswered);

        public void OnSippEnded() => Interlocked.Increment(ref _sippEnded);

        public void OnRejected() => Interlocked.Increment(ref _rejected);
    }

    private sealed record FloodResult(int Sent, long Bytes, TimeSpan Elapsed, IReadOnlyDictionary<int, int> Answers);
}
