using System.Net;
using System.Text.Json;
using CallControl.Testing;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd;

/// <summary>A customer calls the service's number: routing offers agents in turn, one accepts, the call is bridged.</summary>
public sealed class InboundCallTests : IClassFixture<CallControlStack>
{
    private readonly CallControlStack _stack;

    public InboundCallTests(CallControlStack stack) => _stack = stack;

    [Fact]
    public async Task AnOfferTimesOutToTheNextAgentWhoAcceptsAndTheCustomerHangsUp()
    {
        using var client = _stack.Client();
        await using var firstStation = await _stack.PhoneAsync();
        await using var secondStation = await _stack.PhoneAsync();
        await _stack.PutAgentAsync(client, "in-a1", firstStation);
        await _stack.PutAgentAsync(client, "in-a2", secondStation);

        await using var caller = Sipp.Start(new SippRun(Path.Combine("EndToEnd", "Scenarios", "caller.xml"), _stack.SipEndPoint)
        {
            Timeout = TimeSpan.FromSeconds(40),
            Keys = new Dictionary<string, string> { ["obs"] = LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Arguments = ["-s", DialledNumber, "-d", "2000", "-trace_msg"],
        });

        var id = await WaitForInboundAsync(client);
        var offered = await WaitForAsync(client, id, c => HasAgent(c, "in-a1", "alerting"), "the first agent to be offered");
        State(Participant(offered, p => p.GetProperty("role").GetString() == "customer")).ShouldBe("alerting");

        var second = await WaitForAsync(client, id, c => HasAgent(c, "in-a2", "alerting"), "the second agent to be offered");
        var expired = Participant(second, p => Agent(p) == "in-a1");
        State(expired).ShouldBe("disconnected");
        expired.GetProperty("disconnectReason").GetString().ShouldBe("timeout");

        var offer = Participant(second, p => Agent(p) == "in-a2").GetProperty("id").GetString()!;
        var (status, accepted) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{offer}/accept");
        status.ShouldBe(HttpStatusCode.OK, accepted.ToString());
        await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "connected", "station and customer to be bridged");

        var ended = await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "ended", "the customer to hang up");
        var customer = Participant(ended, p => p.GetProperty("role").GetString() == "customer");
        customer.GetProperty("disconnectReason").GetString().ShouldBe("success");
        customer.GetProperty("initiator").GetString().ShouldBe("customer");

        var result = await caller.WaitAsync(TimeSpan.FromSeconds(20));
        result.Succeeded.ShouldBeTrue(result.ToString());
        var messages = Directory.GetFiles(caller.WorkingDirectory, "*messages.log").Select(File.ReadAllText).Single();
        messages.ShouldContain("183 Session Progress"); // the caller hears ringback while agents are offered
        (await secondStation.WaitAsync(TimeSpan.FromSeconds(20))).Succeeded.ShouldBeTrue();
    }

    private static string? Agent(JsonElement participant) =>
        participant.TryGetProperty("agentId", out var agent) ? agent.GetString() : null;

    private static bool HasAgent(JsonElement conversation, string agentId, string state) =>
        conversation.GetProperty("participants").EnumerateArray().Any(p => Agent(p) == agentId && State(p) == state);

    private static async Task<string> WaitForInboundAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync("/api/v1/conversations?limit=5"));
            var items = page.RootElement.ValueKind == JsonValueKind.Array ? page.RootElement : page.RootElement.GetProperty("items");
            foreach (var item in items.EnumerateArray())
            {
                if (item.GetProperty("direction").GetString() == "inbound")
                {
                    return item.GetProperty("id").GetString()!;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No inbound conversation appeared.");
    }
}
