using System.Net;
using System.Text.Json;
using CallControl.Api.Agents.EventStream;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CallControl.Api.Tests.AgentEvents;

public sealed class AgentEventStreamTests : IClassFixture<AgentEventsHost>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    // Long enough for an update that was going to arrive to have arrived.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(1500);

    private readonly AgentEventsHost _host;

    public AgentEventStreamTests(AgentEventsHost host) => _host = host;

    private static string EventsOf(string agentId) => $"/api/v1/agents/{agentId}/events";

    [Fact]
    public async Task TheStreamIsServedAsTextEventStreamThatNoCacheOrProxyHoldsBack()
    {
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("headers-1");

        await using var stream = await SseConnection.OpenAsync(client, EventsOf("headers-1"));

        stream.Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        stream.Response.Headers.CacheControl!.NoCache.ShouldBeTrue();
        stream.Response.Headers.GetValues("X-Accel-Buffering").ShouldBe(["no"]);
    }

    [Fact]
    public async Task EachDeskChangeArrivesAsAConversationUpdateWhoseIdIsItsSequence()
    {
        using var client = _host.Client();
        var desk = new DeskDriver(_host, client);
        await desk.PutAgentAsync("live-1");
        await using var stream = await SseConnection.OpenAsync(client, EventsOf("live-1"));

        var (conversationId, agentLeg) = await desk.DialAsync("live-1");
        var customerLeg = await desk.AnswerAgentAsync(conversationId, agentLeg);
        await desk.AnswerCustomerAsync(conversationId, customerLeg);

        var events = await stream.ReadEventsAsync(3, Patience);
        events.Select(e => e.Id).ShouldBe(["1", "2", "3"]);
        foreach (var update in events)
        {
            update.Event.ShouldBe("conversationUpdate");
            var data = update.Data.ShouldNotBeNull();
            data.ShouldNotContain('\n');
            using var payload = JsonDocument.Parse(data);
            payload.RootElement.GetProperty("type").GetString().ShouldBe("conversationUpdate");
            payload.RootElement.GetProperty("agentId").GetString().ShouldBe("live-1");
            payload.RootElement.GetProperty("sequence").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(update.Id);
            payload.RootElement.GetProperty("current").EnumerateArray().Single().GetProperty("conversationId").GetString().ShouldBe(conversationId);
        }

        (await stream.DrainEventsAsync(Quiet)).ShouldBeEmpty("three changes are three updates");
    }

    [Fact]
    public async Task AReconnectWithLastEventIdGetsExactlyTheMissedUpdatesInOrderThenLiveOnes()
    {
        using var client = _host.Client();
        var desk = new DeskDriver(_host, client);
        await desk.PutAgentAsync("resume-1");
        string conversationId;
        string agentLeg;
        await using (var first = await SseConnection.OpenAsync(client, EventsOf("resume-1")))
        {
            (conversationId, agentLeg) = await desk.DialAsync("resume-1");
            (await first.ReadEventAsync(Patience)).Id.ShouldBe("1");
        }

        var customerLeg = await desk.AnswerAgentAsync(conversationId, agentLeg);
        await desk.AnswerCustomerAsync(conversationId, customerLeg);
        await desk.WaitForSequenceAsync("resume-1", 3);

        await using var resumed = await SseConnection.OpenAsync(client, EventsOf("resume-1"), lastEventId: "1");
        var missed = await resumed.ReadEventsAsync(2, Patience);
        missed.Select(e => e.Id).ShouldBe(["2", "3"]);
        SequenceOf(missed[1]).ShouldBe(3);

        await desk.HoldAsync(conversationId, customerLeg);
        var live = await resumed.ReadEventsAsync(2, Patience);
        live.Select(e => e.Id).ShouldBe(["4", "5"]);
        (await resumed.DrainEventsAsync(Quiet)).ShouldBeEmpty("nothing is sent twice");
    }

    [Fact]
    public async Task TheLastEventIdQueryParameterResumesLikeTheHeader()
    {
        using var client = _host.Client();
        var desk = new DeskDriver(_host, client);
        await desk.PutAgentAsync("resume-query-1");
        var (conversationId, agentLeg) = await desk.DialAsync("resume-query-1");
        await desk.AnswerAgentAsync(conversationId, agentLeg);
        await desk.WaitForSequenceAsync("resume-query-1", 2);

        await using var stream = await SseConnection.OpenAsync(client, EventsOf("resume-query-1") + "?lastEventId=0");

        (await stream.ReadEventsAsync(2, Patience)).Select(e => e.Id).ShouldBe(["1", "2"]);
    }

    [Fact]
    public async Task WithoutLastEventIdTheStreamStartsAfterTheCurrentSequence()
    {
        using var client = _host.Client();
        var desk = new DeskDriver(_host, client);
        await desk.PutAgentAsync("fresh-1");
        var (conversationId, agentLeg) = await desk.DialAsync("fresh-1");
        await desk.WaitForSequenceAsync("fresh-1", 1);

        await using var stream = await SseConnection.OpenAsync(client, EventsOf("fresh-1"));
        (await stream.DrainEventsAsync(Quiet)).ShouldBeEmpty("the desk snapshot, not the stream, tells what happened before");
        await desk.AnswerAgentAsync(conversationId, agentLeg);

        (await stream.ReadEventAsync(Patience)).Id.ShouldBe("2");
    }

    [Fact]
    public async Task ALastEventIdAheadOfTheStoreReplaysNothingAndStreamsFromTheCurrentSequence()
    {
        using var client = _host.Client();
        var desk = new DeskDriver(_host, client);
        await desk.PutAgentAsync("ahead-1");
        var (conversationId, agentLeg) = await desk.DialAsync("ahead-1");
        await desk.WaitForSequenceAsync("ahead-1", 1);

        await using var stream = await SseConnection.OpenAsync(client, EventsOf("ahead-1"), lastEventId: "99");
        await desk.AnswerAgentAsync(conversationId, agentLeg);

        (await stream.ReadEventAsync(Patience)).Id.ShouldBe("2");
    }

    [Fact]
    public async Task TwoClientsOfOneAgentEachGetEveryUpdate()
    {
        using var client = _host.Client();
        var desk = new DeskDriver(_host, client);
        await desk.PutAgentAsync("shared-1");
        await using var left = await SseConnection.OpenAsync(client, EventsOf("shared-1"));
        await using var right = await SseConnection.OpenAsync(_host.Client(), EventsOf("shared-1"));

        var (conversationId, agentLeg) = await desk.DialAsync("shared-1");
        var customerLeg = await desk.AnswerAgentAsync(conversationId, agentLeg);
        await desk.AnswerCustomerAsync(conversationId, customerLeg);

        (await left.ReadEventsAsync(3, Patience)).Select(e => e.Id).ShouldBe(["1", "2", "3"]);
        (await right.ReadEventsAsync(3, Patience)).Select(e => e.Id).ShouldBe(["1", "2", "3"]);
    }

    [Fact]
    public async Task AHeartbeatCommentArrivesWithinTheConfiguredInterval()
    {
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("heartbeat-1");
        await using var stream = await SseConnection.OpenAsync(client, EventsOf("heartbeat-1"));

        var started = DateTime.UtcNow;
        var first = await stream.ReadAsync(TimeSpan.FromSeconds(AgentEventsHost.HeartbeatSeconds + 1));
        var second = await stream.ReadAsync(TimeSpan.FromSeconds(AgentEventsHost.HeartbeatSeconds + 1));

        foreach (var heartbeat in new[] { first, second })
        {
            heartbeat.IsEvent.ShouldBeFalse();
            heartbeat.Comments.ShouldBe(["heartbeat"]);
        }

        (DateTime.UtcNow - started).ShouldBeGreaterThan(TimeSpan.FromSeconds(AgentEventsHost.HeartbeatSeconds * 1.5), "heartbeats are paced, not sent at once");
    }

    [Fact]
    public async Task UpdatesCommittedByAnotherInstanceArriveByPolling()
    {
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("elsewhere-1");
        await using var stream = await SseConnection.OpenAsync(client, EventsOf("elsewhere-1"));

        // Written straight to the database, as another instance's append would be: this process gets no signal.
        await InsertUpdatesAsync("elsewhere-1", 1, 2);

        var events = await stream.ReadEventsAsync(2, new AgentEventStreamOptions().PollInterval + TimeSpan.FromSeconds(2));
        events.Select(e => e.Id).ShouldBe(["1", "2"]);
        SequenceOf(events[1]).ShouldBe(2);
    }

    [Fact]
    public async Task AReplayLongerThanOnePageArrivesWholeAndInOrder()
    {
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("backlog-1");
        const int count = AgentEventStream.PageSize * 2 + 7;
        await InsertUpdatesAsync("backlog-1", 1, count);

        await using var stream = await SseConnection.OpenAsync(client, EventsOf("backlog-1"), lastEventId: "0");

        var events = await stream.ReadEventsAsync(count, Patience);
        events.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(Enumerable.Range(1, count).Select(i => (long)i));
        (await stream.DrainEventsAsync(Quiet)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AClosedStreamGivesUpItsSlot()
    {
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("leave-1");
        var watcher = _host.Services.GetRequiredService<AgentDeskWatcher>();
        var before = watcher.Count;

        await using (var stream = await SseConnection.OpenAsync(client, EventsOf("leave-1")))
        {
            watcher.Count.ShouldBe(before + 1);
        }

        var deadline = DateTime.UtcNow + Patience;
        while (watcher.Count > before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        watcher.Count.ShouldBe(before);
    }

    [Fact]
    public async Task WithoutAnApiKeyTheStreamIs401()
    {
        using var client = _host.Client(apiKey: null);

        var response = await client.GetAsync(EventsOf("anyone"), HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnUnknownAgentIs404()
    {
        using var client = _host.Client();

        var response = await client.GetAsync(EventsOf("nobody-1"), HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProblemTypeAsync(response)).ShouldBe("urn:callcontrol:problem:not-found");
    }

    [Fact]
    public async Task AnotherTenantsAgentIs404()
    {
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("tenant-1");
        using var otherTenant = _host.Client(AgentEventsHost.OtherTenantKey);

        var response = await otherTenant.GetAsync(EventsOf("tenant-1"), HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await ProblemTypeAsync(response)).ShouldBe("urn:callcontrol:problem:not-found");
    }

    [Fact]
    public async Task AMalformedAgentIdIs400()
    {
        using var client = _host.Client();

        var response = await client.GetAsync(EventsOf(new string('a', 65)), HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ProblemTypeAsync(response)).ShouldBe("urn:callcontrol:problem:validation");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("+3")]
    [InlineData("99999999999999999999")]
    public async Task ALastEventIdThatIsNotANonNegativeIntegerIs400(string lastEventId)
    {
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("bad-id-1");
        using var request = new HttpRequestMessage(HttpMethod.Get, EventsOf("bad-id-1"));
        request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("type").GetString().ShouldBe("urn:callcontrol:problem:validation");
        problem.RootElement.GetProperty("errors").TryGetProperty("Last-Event-ID", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task ABadLastEventIdQueryParameterIs400NamingIt()
    {
        using var client = _host.Client();
        await new DeskDriver(_host, client).PutAgentAsync("bad-id-2");

        var response = await client.GetAsync(EventsOf("bad-id-2") + "?lastEventId=x", HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("errors").TryGetProperty("lastEventId", out _).ShouldBeTrue();
    }

    private static long SequenceOf(SseMessage update)
    {
        using var payload = JsonDocument.Parse(update.Data!);
        return payload.RootElement.GetProperty("sequence").GetInt64();
    }

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("type").GetString();
    }

    /// <summary>Desk updates <paramref name="from"/>..<paramref name="to"/> for a t1 agent, committed in one transaction.</summary>
    private async Task InsertUpdatesAsync(string agentId, int from, int to)
    {
        await using var batch = _host.Database.DataSource.CreateBatch();
        var updates = new NpgsqlBatchCommand("""
            INSERT INTO agent_desk_updates (tenant_id, agent_id, sequence, conversation_id, conversation_version, occurred_at, payload)
            SELECT 't1', $1, s, 'elsewhere', s, now(),
                   json_build_object('type', 'conversationUpdate', 'agentId', $1, 'sequence', s, 'current', json_build_array())
            FROM generate_series($2::bigint, $3::bigint) AS s
            """);
        var desk = new NpgsqlBatchCommand("""
            INSERT INTO agent_desks (tenant_id, agent_id, sequence, active_conversation_id, entries, snapshot)
            VALUES ('t1', $1, $3, NULL, '[]', '{}')
            ON CONFLICT (tenant_id, agent_id) DO UPDATE SET sequence = excluded.sequence
            """);
        foreach (var command in new[] { updates, desk })
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        }

        batch.BatchCommands.Add(updates);
        batch.BatchCommands.Add(desk);
        await batch.ExecuteNonQueryAsync();
    }
}
