using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd.Split;

/// <summary>Click-to-dial with the media worker in a process of its own, reached over RabbitMQ.</summary>
[Collection(SplitDeploymentCollection.Name)]
public sealed class SplitClickToDialTests : SplitDeploymentTests
{
    public SplitClickToDialTests(SplitDeploymentStack stack, ITestOutputHelper output)
        : base(stack, output)
    {
    }

    [Fact]
    public async Task AClickToDialCallIsConnectedHeldResumedAndEndedByAWorkerOverTheBroker()
    {
        using var client = Stack.Client();
        await using var station = await Stack.PhoneAsync();
        await using var customer = await Stack.PhoneAsync();
        var connected = await Stack.DialAsync(client, "split-a1", station, Uri(customer, "customer"));
        var id = connected.GetProperty("id").GetString()!;
        var customerId = Participant(connected, p => p.GetProperty("role").GetString() == "customer").GetProperty("id").GetString()!;
        // SIPp runs the step after the ACK on a later pass of its scheduler; a re-INVITE before that aborts its call.
        await Task.Delay(300);

        var (holdStatus, held) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{customerId}/hold");
        holdStatus.ShouldBe(HttpStatusCode.OK, held.ToString());
        Participant(held, p => p.GetProperty("id").GetString() == customerId).GetProperty("held").GetBoolean().ShouldBeTrue();

        var (resumeStatus, resumed) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{customerId}/resume");
        resumeStatus.ShouldBe(HttpStatusCode.OK, resumed.ToString());
        Participant(resumed, p => p.GetProperty("id").GetString() == customerId).GetProperty("held").GetBoolean().ShouldBeFalse();

        var (endStatus, ended) = await CommandAsync(client, $"/api/v1/conversations/{id}/end");
        endStatus.ShouldBe(HttpStatusCode.OK, ended.ToString());
        var final = await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "ended", "the conversation to end");
        final.GetProperty("participants").EnumerateArray().ShouldAllBe(p => p.GetProperty("disconnectReason").GetString() == "success");

        foreach (var phone in new[] { station, customer })
        {
            var result = await phone.WaitAsync(TimeSpan.FromSeconds(20));
            result.Succeeded.ShouldBeTrue(result.ToString());
        }

        // The call was carried by the separate worker process, and its history is whole.
        using var history = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{id}/events?limit=200"));
        var events = history.RootElement.EnumerateArray().ToList();
        events.Single(e => e.GetProperty("type").GetString() == "MediaWorkerAssigned").GetProperty("data").GetProperty("workerId").GetString()
            .ShouldBe(Stack.WorkerId);
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        types.ShouldContain("ParticipantHeld");
        types.ShouldContain("ParticipantResumed");
        types[^1].ShouldBe("ConversationEnded");
        Directory.GetFiles(customer.WorkingDirectory, "*messages.log").Select(File.ReadAllText).Single().ShouldContain("a=sendonly");
    }
}
