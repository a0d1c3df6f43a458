using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime;
using System.Text.Json;
using CallControl.Testing;

namespace CallControl.Bench.EndToEnd;

/// <summary>
/// The whole path of a command that needs the far end: REST → event → media dispatch → worker → re-INVITE →
/// 200/ACK from a SIPp phone → fact → event → the waiting HTTP response. 50 click-to-dial conversations run at
/// once through the service with its in-process worker (the default local run); each holds and resumes its
/// customer 20 times with <c>Prefer: wait=5</c>, one command after the other, after a minute of the same load
/// that is not counted.
/// </summary>
/// <remarks>
/// The minute is the service's warm-up, as a long-running service has it behind it: the runtime compiles
/// hot code again, optimized with what it saw it do, and on two cores under this load that takes it about a
/// minute (throughput roughly doubles over it). The JIT's work during the counted rounds is printed.
/// After the minute PostgreSQL checkpoints, and a few more seconds of load pass before the count: the
/// checkpoint recycles the WAL segment files written so far, as a long-running server's checkpoints do. Without
/// it, the fresh cluster creates a 16 MB file about every thousand commands, and every commit waits while it is
/// zero-filled. The WAL the counted rounds wrote, and the segment files before and after, are printed.
/// </remarks>
public static class EndToEndBenchmark
{
    private const int Conversations = 50;
    private const int Rounds = 20;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(60);

    /// <summary>Load after the checkpoint and before the count, while pages are logged whole once more after it.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync()
    {
        var sipPort = LoopbackPorts.Free();
        await using var host = await BenchHost.StartAsync(new Dictionary<string, string>
        {
            ["MediaWorkers:InProcess"] = "true",
            ["MediaWorkers:HeartbeatTimeoutSeconds"] = "10",
            ["Media:WorkerId"] = "bench-worker",
            ["Media:SipAddress"] = $"127.0.0.1:{sipPort}",
            ["Media:MediaPortRange"] = "34000-34999",
            // The phones send no RTP; the calls must not be ended for that while the benchmark runs.
            ["Media:RtpTimeoutSeconds"] = "3600",
        });
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", BenchHost.Key);
        await WaitReadyAsync(client);

        await using var phones = Sipp.Start(new SippRun(Path.Combine("EndToEnd", "Scenarios", "phone.xml"), new IPEndPoint(IPAddress.Loopback, sipPort))
        {
            Calls = Conversations * 2,
            Timeout = TimeSpan.FromMinutes(10),
            Keys = new Dictionary<string, string> { ["obs"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Arguments = ["-max_socket", "1000"],
        });
        await phones.WaitUntilListeningAsync(SippTransport.Udp, TimeSpan.FromSeconds(10));
        var phone = $"127.0.0.1:{phones.LocalPort}";

        var calls = new List<(string Id, string Customer)>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Conversations), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, ct) =>
        {
            var agent = $"e2e-{n}";
            (await client.PutAsJsonAsync($"/api/v1/agents/{agent}", new { displayName = agent, station = new { uri = $"sip:{agent}@{phone}" } }, ct)).EnsureSuccessStatusCode();
            using var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId = agent, to = $"sip:customer-{n}@{phone}" }, ct);
            created.EnsureSuccessStatusCode();
            var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetString()!;
            var customer = await WaitConnectedAsync(client, id, ct);
            lock (calls)
            {
                calls.Add((id, customer));
            }
        });
        Console.WriteLine($"e2e: {calls.Count} conversations connected (station and customer answered by SIPp)");
        // SIPp runs the step after an ACK on a later pass of its scheduler; a re-INVITE before it aborts the call.
        await Task.Delay(500);

        // The first rounds run the service's code paths cold (JIT, pools, plan caches); they are not counted.
        // The machine's CPU per command is read over the second half of the warm-up, the longest steady stretch.
        var warming = Stopwatch.StartNew();
        var warmUpRounds = 0;
        var steadyRounds = 0;
        ProcessCpu? steadyFrom = null;
        while (warming.Elapsed < WarmUp)
        {
            await HoldAndResumeAsync(host.BaseAddress, calls, 1, []);
            warmUpRounds++;
            if (steadyFrom is not null)
            {
                steadyRounds++;
            }
            else if (warming.Elapsed >= WarmUp / 2)
            {
                steadyFrom = ProcessCpu.Take();
            }
        }

        var steadyCommands = steadyRounds * calls.Count * 2;
        Console.WriteLine($"e2e: warmed up with {warmUpRounds} rounds in {warming.Elapsed.TotalSeconds:0} s");
        Console.WriteLine(
            $"e2e: CPU per command over the warm-up's second half ({steadyCommands} commands): {ProcessCpu.Take().PerOperation(steadyFrom!, steadyCommands, "bench", "postgres", "sipp")}");
        var checkpointing = Stopwatch.StartNew();
        await host.CheckpointAsync();
        var checkpointed = checkpointing.Elapsed;
        var settling = Stopwatch.StartNew();
        while (settling.Elapsed < Settle)
        {
            await HoldAndResumeAsync(host.BaseAddress, calls, 1, []);
        }

        Console.WriteLine($"e2e: PostgreSQL checkpointed in {checkpointed.TotalSeconds:0.0} s, then {settling.Elapsed.TotalSeconds:0} s more of the same load");
        var walFrom = await host.WalAsync();
        var jitMethods = JitInfo.GetCompiledMethodCount();
        var jitTime = JitInfo.GetCompilationTime();
        var latencies = new List<double>();
        await host.ResetStatementsAsync();
        var gcPause = GC.GetTotalPauseDuration();
        var gcCount = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        var failed = await HoldAndResumeAsync(host.BaseAddress, calls, Rounds, latencies);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(
            $"e2e: the JIT compiled {JitInfo.GetCompiledMethodCount() - jitMethods} methods in {(JitInfo.GetCompilationTime() - jitTime).TotalSeconds:0.0} s of the counted {seconds:0.0} s");
        Console.WriteLine(
            $"e2e: this process collected garbage {GC.CollectionCount(0) - gcCount} times, paused {(GC.GetTotalPauseDuration() - gcPause).TotalMilliseconds:0} ms in all, and allocated {(GC.GetTotalAllocatedBytes() - allocated) / 1024 / Math.Max(1, latencies.Count)} KB per command (the benchmark's clients included)");
        var walTo = await host.WalAsync();
        Console.WriteLine(
            $"e2e: the counted rounds wrote {(walTo.Position - walFrom.Position) / 1024.0 / 1024.0:0.0} MB of WAL; segment files in pg_wal: {walFrom.Files} before, {walTo.Files} after");
        await host.PrintStatementsAsync();

        foreach (var (id, _) in calls)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{id}/end") { Content = JsonContent.Create(new { }) };
            request.Headers.Add("Prefer", "wait=5");
            (await client.SendAsync(request)).Dispose();
        }

        var result = await phones.WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"e2e: SIPp phones exited {result.ExitCode}; {latencies.Count} commands in {seconds:0.0} s ({latencies.Count / seconds:0} commands/s)");
        latencies.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"e2e: hold-roundtrip p50 {BenchHost.Percentile(latencies, 0.50):0.0} ms p99 {BenchHost.Percentile(latencies, 0.99):0.0} ms; commands {latencies.Count}; failed {failed}"));
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Every conversation holds and resumes its customer <paramref name="rounds"/> times, all conversations at once; returns the commands not answered 200.</summary>
    private static async Task<int> HoldAndResumeAsync(Uri service, IReadOnlyList<(string Id, string Customer)> calls, int rounds, List<double> latencies)
    {
        var failed = 0;
        await Task.WhenAll(calls.Select(call => Task.Run(async () =>
        {
            using var own = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(60) };
            own.DefaultRequestHeaders.Authorization = new("Bearer", BenchHost.Key);
            for (var round = 0; round < rounds; round++)
            {
                foreach (var action in new[] { "hold", "resume" })
                {
                    var started = Stopwatch.GetTimestamp();
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/conversations/{call.Id}/participants/{call.Customer}/{action}")
                    {
                        Content = JsonContent.Create(new { }),
                    };
                    request.Headers.Add("Prefer", "wait=5");
                    using var response = await own.SendAsync(request);
                    var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    lock (latencies)
                    {
                        latencies.Add(elapsed);
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            failed++;
                        }
                    }
                }
            }
        })));
        return failed;
    }

    private static async Task WaitReadyAsync(HttpClient client)
    {
        for (var i = 0; i < 100; i++)
        {
            using var ready = await client.GetAsync("/health/ready");
            if (ready.IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The service did not become ready (no media worker heartbeat?).");
    }

    private static async Task<string> WaitConnectedAsync(HttpClient client, string id, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 300; i++)
        {
            using var conversation = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{id}", cancellationToken));
            if (conversation.RootElement.GetProperty("state").GetString() == "connected")
            {
                return conversation.RootElement.GetProperty("participants").EnumerateArray()
                    .First(p => p.GetProperty("role").GetString() == "customer").GetProperty("id").GetString()!;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"Conversation {id} did not connect.");
    }
}
