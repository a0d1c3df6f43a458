using System.Net;
using System.Text.Json;
using CallControl.Domain.Conversations;
using CallControl.Testing;
using static CallControl.Domain.Conversations.ConversationCommand;

namespace CallControl.Api.Tests.Http;

/// <summary>GET a conversation (with its ETag), the paged list with its filters, and the event history.</summary>
public sealed class ConversationReadsApiTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _host;

    public ConversationReadsApiTests(ApiHost host) => _host = host;

    [Fact]
    public async Task GetConversationAnswersItWithAnETagOfItsVersionThatMovesWithEveryChange()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client(ApiHost.CallsOnlyKey);

        using var before = await client.GetAsync(call.Path);
        using var hold = await client.PostAsync(call.Customer("hold"));
        using var after = await client.GetAsync(call.Path);

        var events = await _host.CountEventsAsync(call.Id);
        before.StatusCode.ShouldBe(HttpStatusCode.OK);
        before.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        before.Headers.ETag!.Tag.ShouldBe(HttpExchange.Quoted(events - 1));
        before.Headers.ETag.IsWeak.ShouldBeFalse();
        (await before.ReadJsonAsync()).GetProperty("version").GetInt64().ShouldBe(events - 1);
        after.Headers.ETag!.Tag.ShouldBe(HttpExchange.Quoted(events));
        var conversation = await after.ReadJsonAsync();
        conversation.GetProperty("version").GetInt64().ShouldBe(events);
        conversation.GetProperty("id").GetString().ShouldBe(call.Id);
        conversation.GetProperty("direction").GetString().ShouldBe("outbound");
        conversation.GetProperty("state").GetString().ShouldBe("connected");
        conversation.TryGetProperty("startedAt", out var startedAt).ShouldBeTrue();
        startedAt.GetDateTimeOffset().Offset.ShouldBe(TimeSpan.Zero);
        conversation.GetProperty("participants").GetArrayLength().ShouldBe(2);
    }

    [Theory]
    [InlineData("01a1fd00-0000-7000-8000-000000000000")]
    [InlineData("not-a-uuid")]
    public async Task GetConversationAnswers404ForAnUnknownId(string id)
    {
        using var client = _host.Client();

        using var response = await client.GetAsync($"/api/v1/conversations/{id}");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        problem.GetProperty("detail").GetString()!.ShouldContain(id);
        response.Headers.ETag.ShouldBeNull();
    }

    [Fact]
    public async Task ListingWithLimit2FollowsNextThroughEveryConversationNewestFirstWithoutDuplicates()
    {
        var agentId = await _host.PutAgentAsync();
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add((await _host.StartDialingCallAsync(agentId)).Id);
        }

        var pages = await ReadAllPagesAsync($"/api/v1/conversations?agentId={agentId}&limit=2");

        pages.Select(p => p.Count).ShouldBe([2, 2, 1]);
        var listed = pages.SelectMany(p => p).ToList();
        listed.Select(c => c.GetProperty("id").GetString()).ShouldBe(Enumerable.Reverse(created));
        listed.ShouldAllBe(c => c.GetProperty("participants").GetArrayLength() == 1);
    }

    [Fact]
    public async Task TheLastFullPageHasNoNextCursor()
    {
        var agentId = await _host.PutAgentAsync();
        for (var i = 0; i < 4; i++)
        {
            await _host.StartDialingCallAsync(agentId);
        }

        var pages = await ReadAllPagesAsync($"/api/v1/conversations?agentId={agentId}&limit=2");
        var whole = await ReadAllPagesAsync($"/api/v1/conversations?agentId={agentId}&limit=100");

        pages.Select(p => p.Count).ShouldBe([2, 2]);
        whole.Select(p => p.Count).ShouldBe([4]);
    }

    [Fact]
    public async Task ListingFiltersByStateAndAgent()
    {
        var agentId = await _host.PutAgentAsync();
        var alerting = await _host.StartDialingCallAsync(agentId);
        var connected = await _host.StartConnectedCallAsync(agentId);
        var ended = await _host.StartDialingCallAsync(agentId);
        await _host.FactAsync(ended.Id, at => new ReportLegCommandFailed(new ParticipantId(ended.AgentParticipantId), MediaOperation.Place, 486, "Busy Here", at));
        var someoneElse = await _host.StartDialingCallAsync();

        var all = await IdsAsync($"/api/v1/conversations?agentId={agentId}");
        var onlyConnected = await IdsAsync($"/api/v1/conversations?agentId={agentId}&state=connected");
        var onlyAlerting = await IdsAsync($"/api/v1/conversations?agentId={agentId}&state=alerting");
        var onlyEnded = await IdsAsync($"/api/v1/conversations?agentId={agentId}&state=ended");
        var everyone = await IdsAsync("/api/v1/conversations?limit=100");

        all.ShouldBe([ended.Id, connected.Id, alerting.Id]);
        onlyConnected.ShouldBe([connected.Id]);
        onlyAlerting.ShouldBe([alerting.Id]);
        onlyEnded.ShouldBe([ended.Id]);
        everyone.ShouldContain(someoneElse.Id);
        everyone.ShouldContain(alerting.Id);
    }

    [Fact]
    public async Task AnotherTenantsListShowsNoneOfT1sConversations()
    {
        var call = await _host.StartDialingCallAsync();
        using var t2 = _host.Client(ApiHost.OtherTenantKey);

        using var byAgent = await t2.GetAsync($"/api/v1/conversations?agentId={call.AgentId}");
        using var everything = await t2.GetAsync("/api/v1/conversations?limit=100");

        byAgent.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await byAgent.ReadJsonAsync()).GetProperty("items").GetArrayLength().ShouldBe(0);
        (await everything.ReadJsonAsync()).GetProperty("items").GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("state=ringing", "state")]
    [InlineData("state=Connected", "state")]
    [InlineData("agentId=bad%20id", "agentId")]
    [InlineData("after=" + "0123456789012345678901234567890123456789012345678901234567890123456789", "after")]
    public async Task ListingWithAnInvalidQueryIs400NamingTheParameter(string query, string field)
    {
        using var client = _host.Client();

        using var response = await client.GetAsync($"/api/v1/conversations?{query}");

        await response.ShouldBeValidationProblemAsync(field);
    }

    [Theory]
    [InlineData("/api/v1/conversations?limit=ten", "limit")]
    [InlineData("/api/v1/conversations/{id}/events?after=first", "after")]
    [InlineData("/api/v1/conversations/{id}/events?limit=all", "limit")]
    public async Task AQueryValueOfTheWrongTypeIs400NamingTheParameter(string path, string field)
    {
        var call = await _host.StartDialingCallAsync();
        using var client = _host.Client();

        using var response = await client.GetAsync(path.Replace("{id}", call.Id, StringComparison.Ordinal));

        await response.ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task TheEventHistoryListsEveryEventInVersionOrderWithItsCommand()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        using var hold = await client.PostAsync(call.Customer("hold"));
        var commandId = (await hold.ReadJsonAsync()).GetProperty("commandId").GetString();

        using var response = await client.GetAsync($"{call.Path}/events");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var history = (await response.ReadJsonAsync()).EnumerateArray().ToList();
        history.Select(e => e.GetProperty("version").GetInt64()).ShouldBe(Enumerable.Range(1, history.Count).Select(v => (long)v));
        history.Count.ShouldBe((int)await _host.CountEventsAsync(call.Id));
        history.Select(e => e.GetProperty("type").GetString()).ShouldBe(
            ["ConversationStarted", "ParticipantAdded", "ParticipantConnected", "ParticipantAdded", "ParticipantConnected", "ParticipantHoldRequested"]);
        history.ShouldAllBe(e => e.GetProperty("data").ValueKind == JsonValueKind.Object);
        history.ShouldAllBe(e => e.GetProperty("occurredAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        history[^1].GetProperty("data").GetProperty("participantId").GetString().ShouldBe(call.CustomerParticipantId);
        history[^1].GetProperty("commandId").GetString().ShouldBe(commandId);
    }

    [Fact]
    public async Task TheEventHistoryPagesWithAfterAndLimit()
    {
        var call = await _host.StartConnectedCallAsync();
        var total = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var middle = await client.GetAsync($"{call.Path}/events?after=2&limit=2");
        using var rest = await client.GetAsync($"{call.Path}/events?after=4");
        using var none = await client.GetAsync($"{call.Path}/events?after={total}");

        (await middle.ReadJsonAsync()).EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ShouldBe([3L, 4L]);
        (await rest.ReadJsonAsync()).EnumerateArray().Select(e => e.GetProperty("version").GetInt64())
            .ShouldBe(Enumerable.Range(5, (int)total - 4).Select(v => (long)v));
        none.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await none.ReadJsonAsync()).GetArrayLength().ShouldBe(0);
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    public async Task TheEventHistoryWithAnInvalidQueryIs400NamingTheParameter(string query, string field)
    {
        var call = await _host.StartDialingCallAsync();
        using var client = _host.Client();

        using var response = await client.GetAsync($"{call.Path}/events?{query}");

        await response.ShouldBeValidationProblemAsync(field);
    }

    [Fact]
    public async Task TheEventHistoryOfAnUnknownConversationIs404()
    {
        using var client = _host.Client();

        using var response = await client.GetAsync($"/api/v1/conversations/{Guid.CreateVersion7()}/events");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    private async Task<List<string?>> IdsAsync(string path)
    {
        using var client = _host.Client();
        using var response = await client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return [.. (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString())];
    }

    /// <summary>Follows <c>next</c> from <paramref name="firstPage"/> until it is null (at most 20 pages).</summary>
    private async Task<List<List<JsonElement>>> ReadAllPagesAsync(string firstPage)
    {
        using var client = _host.Client();
        var pages = new List<List<JsonElement>>();
        var path = firstPage;
        while (path is not null)
        {
            pages.Count.ShouldBeLessThan(20, "next never became null");
            using var response = await client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var page = await response.ReadJsonAsync();
            pages.Add([.. page.GetProperty("items").EnumerateArray()]);
            path = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String
                ? $"{firstPage}&after={Uri.EscapeDataString(next.GetString()!)}"
                : null;
        }

        return pages;
    }
}
