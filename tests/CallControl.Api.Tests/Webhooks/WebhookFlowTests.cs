using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallControl.Api.Tests.Http;
using CallControl.Domain.Media;
using CallControl.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Webhooks;

/// <summary>A host that may call back to loopback and retries quickly, with a short retry window.</summary>
public sealed class WebhookHost : ApiHost
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Webhooks:Destinations:AllowPrivateNetworks"] = "true",
        ["Webhooks:FirstRetryDelay"] = "00:00:00.100",
        ["Webhooks:MaxRetryDelay"] = "00:00:00.400",
        ["Webhooks:RetryWindow"] = "00:00:03",
        ["Webhooks:PollInterval"] = "00:00:00.100",
    };
}

public sealed class WebhookFlowTests : IClassFixture<WebhookHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly WebhookHost _host;

    public WebhookFlowTests(WebhookHost host) => _host = host;

    [Fact]
    public async Task DeliveriesAreSignedSoAnIndependentHmacVerifiesThem()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = _host.Client();
        var secret = await SubscribeAsync(client, receiver, ["conversationUpdate", "conversation.started", "participant.connected"], ["wh-a1"]);

        var conversationId = (await _host.StartConnectedCallAsync(await _host.PutAgentAsync("wh-a1"))).Id;

        var received = await receiver.WaitForAsync(r => r.Count(m => m.Body.Contains("participant.connected", StringComparison.Ordinal)) >= 2, Patience);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        foreach (var message in received)
        {
            var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{message.Id}.{message.Timestamp}.{message.Body}")));
            message.Signature.Split(' ').ShouldContain($"v1,{expected}");
            long.Parse(message.Timestamp, System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(
                DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        }

        var started = received.Single(m => m.Body.Contains("\"conversation.started\"", StringComparison.Ordinal));
        using (var body = JsonDocument.Parse(started.Body))
        {
            body.RootElement.GetProperty("conversationId").GetString().ShouldBe(conversationId);
            body.RootElement.GetProperty("version").GetInt64().ShouldBe(1);
        }

        var updates = received.Where(m => m.Body.Contains("\"conversationUpdate\"", StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.Body).RootElement).ToList();
        updates.Select(u => u.GetProperty("sequence").GetInt64()).ShouldBe(Enumerable.Range(1, updates.Count).Select(i => (long)i));
        updates.ShouldAllBe(u => u.GetProperty("agentId").GetString() == "wh-a1");
    }

    [Fact]
    public async Task AMessageFailingThreeTimesHoldsBackItsAgentsLaterMessagesButNotOtherAgents()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = _host.Client();
        await SubscribeAsync(client, receiver, ["conversationUpdate"], ["wh-b1", "wh-b2"]);
        receiver.Fail("cu_wh-b1_2", 3);

        await _host.StartConnectedCallAsync(await _host.PutAgentAsync("wh-b1"));
        await _host.StartConnectedCallAsync(await _host.PutAgentAsync("wh-b2"));

        var received = await receiver.WaitForAsync(r => r.Count(m => m.Id.StartsWith("cu_wh-b1_", StringComparison.Ordinal)) >= 3
            && r.Count(m => m.Id.StartsWith("cu_wh-b2_", StringComparison.Ordinal)) >= 3, Patience);

        var b1 = received.Where(m => m.Id.StartsWith("cu_wh-b1_", StringComparison.Ordinal)).Select(m => m.Id).ToList();
        b1.ShouldBe(["cu_wh-b1_1", "cu_wh-b1_2", "cu_wh-b1_3"], "an agent's updates arrive in order, the failed one before its successors");
        var attemptsOfSecond = receiver.All.Where(m => m.Id == "cu_wh-b1_2").ToList();
        attemptsOfSecond.Count.ShouldBe(4);
        var thirdArrived = received.First(m => m.Id == "cu_wh-b1_3").At;
        thirdArrived.ShouldBeGreaterThan(attemptsOfSecond[^1].At);
        received.Where(m => m.Id.StartsWith("cu_wh-b2_", StringComparison.Ordinal)).Max(m => m.At)
            .ShouldBeLessThan(attemptsOfSecond[^1].At.AddSeconds(5), "other agents do not wait for b1");
    }

    [Fact]
    public async Task AReceiverDownPastTheRetryWindowMakesTheDeliveryDeadAndRedeliverySendsItAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        using var client = _host.Client();
        var subscription = await SubscribeIdAsync(client, receiver, ["conversation.started"]);

        await _host.StartDialingCallAsync(await _host.PutAgentAsync("wh-c1"));
        var dead = await WaitForDeliveryAsync(client, subscription, "dead");

        dead.GetProperty("attempts").GetInt32().ShouldBeGreaterThan(1);
        dead.GetProperty("lastStatus").GetInt32().ShouldBe(503);
        receiver.Down = false;
        var redeliver = await client.PostAsync($"/api/v1/webhooks/{subscription}/deliveries/{dead.GetProperty("id").GetInt64()}/redeliver", null);
        redeliver.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await receiver.WaitForAsync(r => r.Count >= 1, Patience);
        (await WaitForDeliveryAsync(client, subscription, "delivered")).GetProperty("id").GetInt64().ShouldBe(dead.GetProperty("id").GetInt64());
    }

    private static async Task<string> SubscribeAsync(HttpClient client, WebhookReceiver receiver, string[] events, string[]? agentIds = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events, agentIds });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("secret").GetString()!;
    }

    private static async Task<string> SubscribeIdAsync(HttpClient client, WebhookReceiver receiver, string[] events)
    {
        var response = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> WaitForDeliveryAsync(HttpClient client, string subscription, string status)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/webhooks/{subscription}/deliveries?status={status}"));
            if (page.RootElement.GetArrayLength() > 0)
            {
                return page.RootElement[0].Clone();
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No {status} delivery appeared.");
            }

            await Task.Delay(100);
        }
    }
}

public sealed class WebhookRestartTests : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly PostgresDatabase _database;

    public WebhookRestartTests(PostgresDatabase database) => _database = database;

    [Fact]
    public async Task MessagesPendingWhenTheServiceStopsArriveAfterItStartsAgainInOrder()
    {
        var settings = new Dictionary<string, string>
        {
            ["Webhooks:Destinations:AllowPrivateNetworks"] = "true",
            ["Webhooks:FirstRetryDelay"] = "00:00:00.100",
            ["Webhooks:MaxRetryDelay"] = "00:00:00.300",
            ["Webhooks:PollInterval"] = "00:00:00.100",
        };
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;

        var first = await ApiHost.StartAsync(_database, settings);
        using (var client = first.Client())
        {
            (await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "conversationUpdate" } })).EnsureSuccessStatusCode();
            (await client.PutAsJsonAsync("/api/v1/agents/wh-r1", new { displayName = "R", station = new { uri = "sip:r@127.0.0.1:5070" } })).EnsureSuccessStatusCode();
            var created = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId = "wh-r1", to = "+15551234567" });
            using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
            var conversationId = body.RootElement.GetProperty("id").GetString()!;
            var agentLeg = body.RootElement.GetProperty("participants")[0].GetProperty("id").GetString()!;
            await first.Services.GetRequiredService<IBus>().Publish(new LegAnswered("t1", conversationId, agentLeg, "worker-1", DateTimeOffset.UtcNow));
            await WaitForQueuedAsync(2);
            await WaitForRefusalAsync(receiver);
        }

        await first.DisposeAsync();
        receiver.Down = false;

        await using var second = await ApiHost.StartAsync(_database, settings);
        var received = await receiver.WaitForAsync(r => r.Count >= 2, Patience);

        received.Select(m => m.Id).ShouldBe(["cu_wh-r1_1", "cu_wh-r1_2"]);
        received.Select(m => JsonDocument.Parse(m.Body).RootElement.GetProperty("sequence").GetInt64()).ShouldBe([1L, 2L]);
    }

    /// <summary>Waits until the first instance has tried a delivery and been refused, so the restart has a retry to resume.</summary>
    private static async Task WaitForRefusalAsync(WebhookReceiver receiver)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (receiver.All.Count == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The first instance never tried a delivery.");
            }

            await Task.Delay(50);
        }
    }

    private async Task WaitForQueuedAsync(long count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            await using var command = _database.DataSource.CreateCommand("SELECT count(*) FROM webhook_deliveries WHERE status <> 'delivered'");
            if ((long)(await command.ExecuteScalarAsync())! >= count)
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, "the deliveries were not queued in time");
            await Task.Delay(50);
        }
    }
}
