using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd.Split;

/// <summary>A media worker that dies mid-call: the API notices its silence and closes the call rather than showing it live.</summary>
[Collection(SplitDeploymentCollection.Name)]
public sealed class WorkerLossTests : SplitDeploymentTests
{
    /// <summary>The heartbeat timeout (10 s by default), a sweep (1 s) and room for a busy machine.</summary>
    private static readonly TimeSpan NoticedWithin = TimeSpan.FromSeconds(15);

    public WorkerLossTests(SplitDeploymentStack stack, ITestOutputHelper output)
        : base(stack, output)
    {
    }

    [Fact]
    public async Task AKilledWorkersParticipantsAreDisconnectedGoneAndTheServiceIsNotReadyUntilANewWorkerRuns()
    {
        using var client = Stack.Client();
        await using var station = await Stack.PhoneAsync();
        await using var customer = await Stack.PhoneAsync();
        var id = (await Stack.DialAsync(client, "loss-a1", station, Uri(customer, "customer"))).GetProperty("id").GetString()!;
        var (readyStatus, readyReport) = await Stack.ReadinessAsync();
        readyStatus.ShouldBe(HttpStatusCode.OK, readyReport);
        readyReport.ShouldContain(Stack.WorkerId);

        await Stack.KillWorkerAsync();
        var sinceKill = Stopwatch.StartNew();

        var ended = await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "ended", "the dead worker's call to end");
        sinceKill.Elapsed.ShouldBeLessThan(NoticedWithin, Stack.Logs());
        foreach (var participant in ended.GetProperty("participants").EnumerateArray())
        {
            State(participant).ShouldBe("disconnected");
            participant.GetProperty("disconnectReason").GetString().ShouldBe("gone");
            participant.GetProperty("initiator").GetString().ShouldBe("system");
        }

        // No call can be placed now, and readiness says so; a new worker makes the service ready again.
        var (deadStatus, deadReport) = await Stack.ReadinessAsync();
        deadStatus.ShouldBe(HttpStatusCode.ServiceUnavailable, deadReport);
        deadReport.ShouldContain("No media worker heartbeat");

        await Stack.StartWorkerAsync();
        await Stack.WaitForReadinessAsync(
            (status, report) => status == HttpStatusCode.OK && report.Contains(Stack.WorkerId, StringComparison.Ordinal),
            "the new worker's heartbeat",
            TimeSpan.FromSeconds(20));
    }
}
