using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CallControl.Testing;
using Xunit.Abstractions;
using static CallControl.Api.Tests.EndToEnd.CallControlStack;

namespace CallControl.Api.Tests.EndToEnd.Split;

/// <summary>
/// RabbitMQ goes away mid-call and comes back: what the API asked for meanwhile is carried out afterwards, and
/// what happened on the wire meanwhile reaches the conversation afterwards. Nothing is lost in either direction.
/// </summary>
[Collection(SplitDeploymentCollection.Name)]
public sealed partial class BrokerRestartTests : SplitDeploymentTests
{
    /// <summary>
    /// How long the service may take to recover once the broker is back. MassTransit reconnects a receive endpoint
    /// after a delay that grows to 30 s, and media dispatch retries a failed batch after one that doubles to 30 s;
    /// a few seconds are usual, 30 s is the bound.
    /// </summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(45);

    public BrokerRestartTests(SplitDeploymentStack stack, ITestOutputHelper output)
        : base(stack, output)
    {
    }

    [Fact]
    public async Task AHoldRequestedWhileTheBrokerIsDownIsCarriedOutOnceItIsBack()
    {
        await ReadyAsync();
        using var client = Stack.Client();
        await using var station = await PhoneAsync();
        await using var customer = await PhoneAsync();
        var (id, customerId) = await ConnectAsync(client, "restart-a1", station, customer);
        await Task.Delay(300); // SIPp aborts a call re-INVITEd right after its ACK (see OutboundCallTests)

        await WhileTheBrokerIsDownAsync(async () =>
        {
            // The command is taken and recorded, but the media layer cannot confirm it: the wait runs out.
            var (status, accepted) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{customerId}/hold");
            status.ShouldBe(HttpStatusCode.Accepted, accepted.ToString());
            var pending = Participant(await GetAsync(client, id), p => p.GetProperty("id").GetString() == customerId);
            pending.GetProperty("held").GetBoolean().ShouldBeFalse();
            pending.GetProperty("pending").EnumerateArray().ShouldContain(p => p.GetProperty("command").GetString() == "hold", pending.ToString());
            await Stack.WaitForReadinessAsync(
                (status, report) => status == HttpStatusCode.ServiceUnavailable && report.Contains("bus is disconnected", StringComparison.Ordinal),
                "readiness to report the lost bus",
                TimeSpan.FromSeconds(15));
        });

        var held = await WaitForAsync(client, id, c => Customer(c, customerId).GetProperty("held").GetBoolean(), "the hold to be carried out", Recovery);
        Customer(held, customerId).GetProperty("pending").EnumerateArray().ShouldBeEmpty();

        var (resumeStatus, resumed) = await CommandAsync(client, $"/api/v1/conversations/{id}/participants/{customerId}/resume");
        resumeStatus.ShouldBe(HttpStatusCode.OK, resumed.ToString());
        Customer(resumed, customerId).GetProperty("held").GetBoolean().ShouldBeFalse();
        var (endStatus, ended) = await CommandAsync(client, $"/api/v1/conversations/{id}/end");
        endStatus.ShouldBe(HttpStatusCode.OK, ended.ToString());
        await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "ended", "the conversation to end");

        foreach (var phone in new[] { station, customer })
        {
            var result = await phone.WaitAsync(TimeSpan.FromSeconds(20));
            result.Succeeded.ShouldBeTrue(result.ToString());
        }

        // The customer's phone was put on hold (sendonly) once, however often the hold was sent to the worker.
        var messages = Directory.GetFiles(customer.WorkingDirectory, "*messages.log").Select(File.ReadAllText).Single();
        Regex.Count(messages, "a=sendonly").ShouldBe(1, messages);
        // The history has each request and its outcome, once and in order, and no failure.
        string[] holdAndResume = ["ParticipantHoldRequested", "ParticipantHeld", "ParticipantResumeRequested", "ParticipantResumed", "ParticipantCommandFailed"];
        var types = await EventTypesAsync(client, id);
        types.Where(holdAndResume.Contains).ShouldBe(holdAndResume[..4], string.Join(", ", types));
        types[^1].ShouldBe("ConversationEnded");
        await Stack.WaitForReadinessAsync((status, _) => status == HttpStatusCode.OK, "the service to be ready again", Recovery);
    }

    [Fact]
    public async Task AHangUpWhileTheBrokerIsDownReachesTheConversationOnceItIsBack()
    {
        await ReadyAsync();
        using var client = Stack.Client();
        await using var station = await PhoneAsync();
        await using var customer = await PhoneAsync("customer-hangs-up-on-cue.xml");
        var (id, customerId) = await ConnectAsync(client, "restart-a2", station, customer);

        await WhileTheBrokerIsDownAsync(async () =>
        {
            await CueHangUpAsync(customer);

            // The worker answered the BYE (SIPp's call ended well) with no broker to tell the API through.
            var result = await customer.WaitAsync(TimeSpan.FromSeconds(20));
            result.Succeeded.ShouldBeTrue(result.ToString());
            State(Customer(await GetAsync(client, id), customerId)).ShouldBe("connected");
        });

        var ended = await WaitForAsync(client, id, c => State(Customer(c, customerId)) == "disconnected", "the customer's hang-up to arrive", Recovery);
        var left = Customer(ended, customerId);
        left.GetProperty("disconnectReason").GetString().ShouldBe("success", ended.ToString());
        left.GetProperty("initiator").GetString().ShouldBe("customer");

        // With the customer gone the agent's leg is ended too, on the wire, not given up for lost.
        var final = await WaitForAsync(client, id, c => c.GetProperty("state").GetString() == "ended", "the conversation to end", Recovery);
        Participant(final, p => p.GetProperty("role").GetString() == "agent").GetProperty("disconnectReason").GetString().ShouldNotBe("gone", final.ToString());
        var stationResult = await station.WaitAsync(TimeSpan.FromSeconds(20));
        stationResult.Succeeded.ShouldBeTrue(stationResult.ToString());
    }

    private static JsonElement Customer(JsonElement conversation, string customerId) =>
        Participant(conversation, p => p.GetProperty("id").GetString() == customerId);

    private static async Task<List<string>> EventTypesAsync(HttpClient client, string id)
    {
        using var history = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/conversations/{id}/events?limit=200"));
        return [.. history.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];
    }

    /// <summary>An earlier test's outage may still be recovering: each test starts on a ready service.</summary>
    private Task ReadyAsync() => Stack.WaitForReadinessAsync((status, _) => status == HttpStatusCode.OK, "the service to be ready", Recovery);

    /// <summary>A phone that stays on its call for as long as an outage and the recovery from it may take.</summary>
    private Task<Sipp> PhoneAsync(string scenario = "phone.xml") => Stack.PhoneAsync(scenario, timeout: TimeSpan.FromSeconds(150));

    /// <summary>Places a click-to-dial call and waits until it is connected; returns its id and the customer's.</summary>
    private async Task<(string Id, string CustomerId)> ConnectAsync(HttpClient client, string agentId, Sipp station, Sipp customer)
    {
        var connected = await Stack.DialAsync(client, agentId, station, Uri(customer, "customer"));
        var id = connected.GetProperty("id").GetString()!;
        return (id, Participant(connected, p => p.GetProperty("role").GetString() == "customer").GetProperty("id").GetString()!);
    }

    /// <summary>Stops the broker, runs <paramref name="outage"/>, and starts the broker again whatever happened.</summary>
    private async Task WhileTheBrokerIsDownAsync(Func<Task> outage)
    {
        await Stack.Broker.StopAsync();
        try
        {
            await outage();
        }
        finally
        {
            await Stack.Broker.StartAsync();
        }
    }

    /// <summary>Sends the phone's scenario (customer-hangs-up-on-cue.xml) its cue: a NOTIFY in its call.</summary>
    private static async Task CueHangUpAsync(Sipp phone)
    {
        var log = Directory.GetFiles(phone.WorkingDirectory, "*messages.log").Single();
        string text;
        using (var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
        {
            text = await reader.ReadToEndAsync();
        }

        var callId = CallIdHeader().Match(text);
        callId.Success.ShouldBeTrue(text);
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)socket.Client.LocalEndPoint!;
        var cue = $"NOTIFY sip:customer@127.0.0.1:{phone.LocalPort} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bK-cue-{Guid.NewGuid():N}\r\n" +
            "From: <sip:test@127.0.0.1>;tag=cue\r\n" +
            "To: <sip:customer@127.0.0.1>\r\n" +
            $"Call-ID: {callId.Groups[1].Value}\r\n" +
            "CSeq: 1 NOTIFY\r\n" +
            "Event: hang-up\r\n" +
            "Max-Forwards: 70\r\n" +
            "Content-Length: 0\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(cue), new IPEndPoint(IPAddress.Loopback, phone.LocalPort));
    }

    [GeneratedRegex(@"^(?:Call-ID|i)\s*:\s*(\S+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex CallIdHeader();
}
