using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Api.Tests.Http;
using CallControl.Api.Webhooks.Sending;
using CallControl.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CallControl.Api.Tests.Webhooks;

/// <summary>Two instances on one database: one sends, the other hands work to it and takes over when it stops.</summary>
public sealed class WebhookInstancesTests : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Webhooks:Destinations:AllowPrivateNetworks"] = "true",
        ["Webhooks:FirstRetryDelay"] = "00:00:00.100",
        ["Webhooks:MaxRetryDelay"] = "00:00:00.200",
        ["Webhooks:RetryWindow"] = "00:00:01",
        ["Webhooks:PollInterval"] = "00:00:00.100",
    };

    private readonly PostgresDatabase _database;

    public WebhookInstancesTests(PostgresDatabase database) => _database = database;

    [Fact]
    public async Task ARedeliveryAskedOfTheIdleInstanceIsSentAndTheIdleInstanceTakesOverWhenTheSenderStops()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Down = true;
        var first = await ApiHost.StartAsync(_database, Settings);
        await WaitUntilAsync(() => Sender(first).IsSending, "the first instance never started sending");
        await using var second = await ApiHost.StartAsync(_database, Settings);
        using var client = second.Client();
        var response = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url, events = new[] { "conversation.started" } });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var subscription = created.RootElement.GetProperty("id").GetString()!;

        await second.StartDialingCallAsync(await second.PutAgentAsync("wi-1"));
        var dead = await WaitForDeliveryAsync(client, subscription, "dead");
        Sender(second).IsSending.ShouldBeFalse("only the instance running the fan-out sends");

        // Asked of the instance that does not send: the sending one finds it by its requeue time.
        receiver.Down = false;
        (await client.PostAsync($"/api/v1/webhooks/{subscription}/deliveries/{dead}/redeliver", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var firstId = (await receiver.WaitForAsync(r => r.Count >= 1, Patience))[0].Id;

        // The sender stops with a message open; the other instance takes over and sends it.
        receiver.Down = true;
        await second.StartDialingCallAsync(await second.PutAgentAsync("wi-2"));
        await WaitUntilAsync(() => receiver.All.Any(r => r.Id != firstId), "the second message was never attempted");
        await first.DisposeAsync();
        receiver.Down = false;
        await WaitUntilAsync(() => Sender(second).IsSending, "the second instance never took over");
        var accepted = await receiver.WaitForAsync(r => r.Any(m => m.Id != firstId), Patience);
        accepted.Select(r => r.Id).Distinct().Count().ShouldBe(2);
    }

    private static WebhookSender Sender(ApiHost host) => host.Services.GetRequiredService<WebhookSender>();

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, failure);
            await Task.Delay(50);
        }
    }

    private static async Task<long> WaitForDeliveryAsync(HttpClient client, string subscription, string status)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var page = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/webhooks/{subscription}/deliveries?status={status}"));
            if (page.RootElement.GetArrayLength() > 0)
            {
                return page.RootElement[0].GetProperty("id").GetInt64();
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"no {status} delivery appeared");
            await Task.Delay(100);
        }
    }
}
