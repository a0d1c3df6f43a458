using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd.Split;

/// <summary>A media worker that dies mid-call: the API notices its silence and closes the call rather than showing it live.</summary>
[Collection(SplitDeploymentCollection.Name)]
public sealed class WorkerLossTests : IClassFixture<SplitDeploymentStack>, IDisposable
{
    /// <summary>The heartbeat timeout (10 s by default), a sweep (1 s) and room for a busy machine.</summary>
    private static readonly TimeSpan NoticedWithin = TimeSpan.FromSeconds(15);

    private readonly SplitDeploymentStack _stack;
    private readonly ITestOutputHelper _output;

    public WorkerLossTests(SplitDeploymentStack stack, ITestOutputHelper output)
    {
        _stack = stack;
        _output = output;
    }

    /// <summary>The processes' and the broker's logs go with the test's result, to tell what happened when it failed.</summary>
    public void Dispose() => _output.WriteLine(_stack.Logs());

    [Fact]
    public async Task AKilledWorkersParticipantsAreDisconnectedGoneAndTheServiceIsNotReadyUntilANewWorkerRuns()
    {
        using var client = _stack.Client();
        await using var station = await _stack.PhoneAsync();
        await using var customer = await _stack.PhoneAsync();
        var id = (await _stack.DialAsync(client, "loss-a1", station, Uri(customer, "customer"))).GetProperty("id").GetString()!;
        var (readyStatus, readyReport) = await _stack.ReadinessAsync();
        readyStatus.ShouldBe(HttpStatusCode.OK, readyReport);
        readyReport.ShouldContain(_stack.WorkerId);

        await _stack.KillWorkerAsync();
        var sinceKill = Stopwatch.StartNew();

        var ended = await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "ended", "the dead worker's call to end");
        sinceKill.Elapsed.ShouldBeLessThan(NoticedWithin, _stack.Logs());
        foreach (var participant in ended.GetProperty("participants").EnumerateArray())
        {
            State(participant).ShouldBe("disconnected");
            participant.GetProperty("disconnectReason").GetString().ShouldBe("gone");
            participant.GetProperty("initiator").GetString().ShouldBe("system");
        }

        // No call can be placed now, and readiness says so; a new worker makes the service ready again.
        var (deadStatus, deadReport) = await _stack.ReadinessAsync();
        deadStatus.ShouldBe(HttpStatusCode.ServiceUnavailable, deadReport);
        deadReport.ShouldContain("No media worker heartbeat");

        await _stack.StartWorkerAsync();
        await _stack.WaitForReadinessAsync(
            (status, report) => status == HttpStatusCode.OK && report.Contains(_stack.WorkerId, StringComparison.Ordinal),
            "the new worker's heartbeat",
            TimeSpan.FromSeconds(20));
    }
}
