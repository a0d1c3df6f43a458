using System.Net;
using System.Text.Json;
using CallControl.Api.Agents.EventStream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CallControl.Api.Tests.AgentEvents;

public sealed class AgentEventStreamLimitTests : IClassFixture<LimitedAgentEventsHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly LimitedAgentEventsHost _host;

    public AgentEventStreamLimitTests(LimitedAgentEventsHost host) => _host = host;

    [Fact]
    public async Task AnUpdateCommittedInThisProcessArrivesWithoutWaitingForAPollOrAHeartbeat()
    {
        await WaitForFreeSlotsAsync();
        using var client = _host.Client();
        var desk = new DeskDriver(_host, client);
        await desk.PutAgentAsync("woken-1");
        await using var stream = await SseConnection.OpenAsync(client, "/api/v1/agents/woken-1/events");

        await desk.DialAsync("woken-1");

        (await stream.ReadEventAsync(Patience)).Id.ShouldBe("1");
    }

    [Fact]
    public async Task TheReplayIsSentAsSoonAsTheStreamOpens()
    {
        await WaitForFreeSlotsAsync();
        using var client = _host.Client();
        var desk = new DeskDriver(_host, client);
        await desk.PutAgentAsync("replayed-1");
        await desk.DialAsync("replayed-1");
        await desk.WaitForSequenceAsync("replayed-1", 1);

        await using var stream = await SseConnection.OpenAsync(client, "/api/v1/agents/replayed-1/events", lastEventId: "0");

        (await stream.ReadEventAsync(Patience)).Id.ShouldBe("1");
    }

    [Fact]
    public async Task StreamsBeyondMaxConnectionsAre503UntilOneCloses()
    {
        await WaitForFreeSlotsAsync();
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("limit-1");
        var open = new List<SseConnection>();
        for (var i = 0; i < LimitedAgentEventsHost.MaxConnections; i++)
        {
            open.Add(await SseConnection.OpenAsync(client, "/api/v1/agents/limit-1/events"));
        }

        var refused = await client.GetAsync("/api/v1/agents/limit-1/events", HttpCompletionOption.ResponseHeadersRead);
        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Headers.RetryAfter.ShouldNotBeNull();
        using (var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()))
        {
            problem.RootElement.GetProperty("type").GetString().ShouldBe("urn:callcontrol:problem:unavailable");
        }

        await open[0].DisposeAsync();
        var deadline = DateTime.UtcNow + Patience;
        HttpResponseMessage again;
        while ((again = await client.GetAsync("/api/v1/agents/limit-1/events", HttpCompletionOption.ResponseHeadersRead)).StatusCode != HttpStatusCode.OK
            && DateTime.UtcNow < deadline)
        {
            again.Dispose();
            await Task.Delay(50);
        }

        again.StatusCode.ShouldBe(HttpStatusCode.OK, "the closed stream's slot is free again");
        again.Dispose();
        foreach (var stream in open.Skip(1))
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>Streams of an earlier test end on the server shortly after their client closes them.</summary>
    private async Task WaitForFreeSlotsAsync()
    {
        var watcher = _host.Services.GetRequiredService<AgentDeskWatcher>();
        var deadline = DateTime.UtcNow + Patience;
        while (watcher.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }
}

public sealed class AgentEventStreamShutdownTests
{
    [Fact]
    public async Task OpenStreamsEndCleanlyWhenTheHostStops()
    {
        var host = new AgentEventsHost();
        await host.InitializeAsync();
        try
        {
            using var client = host.Client();
            await new DeskDriver(host, client).PutAgentAsync("stop-1");
            await using var stream = await SseConnection.OpenAsync(client, "/api/v1/agents/stop-1/events");

            host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

            await stream.Completion.WaitAsync(TimeSpan.FromSeconds(5));
            stream.EndedCleanly.ShouldBeTrue("the response is ended, not the connection dropped");
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
