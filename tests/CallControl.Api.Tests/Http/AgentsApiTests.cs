using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Domain.Conversations;
using CallControl.Testing;

namespace CallControl.Api.Tests.Http;

/// <summary><c>PUT|GET /api/v1/agents/{agentId}</c> and the desk snapshot <c>GET /api/v1/agents/{agentId}/conversations</c>.</summary>
public sealed class AgentsApiTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _host;

    public AgentsApiTests(ApiHost host) => _host = host;

    [Fact]
    public async Task PutAgentCreatesItWith201AndLocationAndFillsTheDefaults()
    {
        var agentId = ApiDriver.NewAgentId();
        using var client = _host.Client();

        using var response = await client.PutAsJsonAsync($"/api/v1/agents/{agentId}",
            new { displayName = "Alice", station = new { uri = "sip:alice@192.0.2.10:5060" } });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/agents/{agentId}");
        var agent = await response.ReadJsonAsync();
        agent.GetProperty("agentId").GetString().ShouldBe(agentId);
        agent.GetProperty("displayName").GetString().ShouldBe("Alice");
        agent.GetProperty("station").GetProperty("uri").GetString().ShouldBe("sip:alice@192.0.2.10:5060");
        agent.GetProperty("station").GetProperty("lineAppearances").GetInt32().ShouldBe(1);
        agent.GetProperty("autoAnswer").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task PutAgentAgainReplacesItWith200AndGetShowsTheNewValues()
    {
        var agentId = await _host.PutAgentAsync();
        using var client = _host.Client();

        using var replaced = await client.PutAsJsonAsync($"/api/v1/agents/{agentId}",
            new { displayName = "Alice B.", station = new { uri = "sips:alice@desk.example.com;transport=tls", lineAppearances = 8 }, autoAnswer = true });
        using var read = await client.GetAsync($"/api/v1/agents/{agentId}");

        replaced.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        var agent = await read.ReadJsonAsync();
        agent.GetProperty("displayName").GetString().ShouldBe("Alice B.");
        agent.GetProperty("station").GetProperty("uri").GetString().ShouldBe("sips:alice@desk.example.com;transport=tls");
        agent.GetProperty("station").GetProperty("lineAppearances").GetInt32().ShouldBe(8);
        agent.GetProperty("autoAnswer").GetBoolean().ShouldBeTrue();
        (await replaced.ReadJsonAsync()).GetRawText().ShouldBe(agent.GetRawText());
    }

    [Theory]
    [InlineData("""{"station":{"uri":"sip:a@192.0.2.1"}}""", "displayName")]
    [InlineData("""{"displayName":"","station":{"uri":"sip:a@192.0.2.1"}}""", "displayName")]
    [InlineData("""{"displayName":"A"}""", "station")]
    [InlineData("""{"displayName":"A","station":{}}""", "station.uri")]
    [InlineData("""{"displayName":"A","station":{"uri":"http://a.example.com"}}""", "station.uri")]
    [InlineData("""{"displayName":"A","station":{"uri":"+15551234567"}}""", "station.uri")]
    [InlineData("""{"displayName":"A","station":{"uri":"sip:a@192.0.2.1","lineAppearances":0}}""", "station.lineAppearances")]
    [InlineData("""{"displayName":"A","station":{"uri":"sip:a@192.0.2.1","lineAppearances":9}}""", "station.lineAppearances")]
    public async Task PutAgentAnswers400NamingTheInvalidField(string body, string field)
    {
        var agentId = ApiDriver.NewAgentId();
        using var client = _host.Client();

        using var response = await client.SendAsync(HttpMethod.Put, $"/api/v1/agents/{agentId}", body);

        await response.ShouldBeValidationProblemAsync(field);
        using var read = await client.GetAsync($"/api/v1/agents/{agentId}");
        read.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("sl%2Fash")]
    [InlineData("%C3%A9t%C3%A9")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task AnAgentIdOutsideTheAllowedAlphabetOrLongerThan64IsA400OnEveryAgentRoute(string agentId)
    {
        using var client = _host.Client();

        using var put = await client.SendAsync(HttpMethod.Put, $"/api/v1/agents/{agentId}", """{"displayName":"A","station":{"uri":"sip:a@192.0.2.1"}}""");
        using var get = await client.GetAsync($"/api/v1/agents/{agentId}");
        using var desk = await client.GetAsync($"/api/v1/agents/{agentId}/conversations");

        await put.ShouldBeValidationProblemAsync("agentId");
        await get.ShouldBeValidationProblemAsync("agentId");
        await desk.ShouldBeValidationProblemAsync("agentId");
    }

    [Fact]
    public async Task AnAgentIdOfExactly64AllowedCharactersIsAccepted()
    {
        var agentId = new string('a', 60) + "._-9";
        using var client = _host.Client();

        using var response = await client.SendAsync(HttpMethod.Put, $"/api/v1/agents/{agentId}", """{"displayName":"A","station":{"uri":"sip:a@192.0.2.1"}}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await response.ReadJsonAsync()).GetProperty("agentId").GetString().ShouldBe(agentId);
    }

    [Fact]
    public async Task GetAgentAnswers404ProblemForAnUnknownAgent()
    {
        using var client = _host.Client();

        using var response = await client.GetAsync($"/api/v1/agents/{ApiDriver.NewAgentId()}");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task AnotherTenantPuttingTheSameAgentIdCreatesItsOwnAgentAndLeavesT1sAlone()
    {
        var agentId = await _host.PutAgentAsync();
        using var t1 = _host.Client();
        using var t2 = _host.Client(ApiHost.OtherTenantKey);

        using var created = await t2.PutAsJsonAsync($"/api/v1/agents/{agentId}",
            new { displayName = "Mallory", station = new { uri = "sip:mallory@198.51.100.7" } });
        using var t1Read = await t1.GetAsync($"/api/v1/agents/{agentId}");

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var t1Agent = await t1Read.ReadJsonAsync();
        t1Agent.GetProperty("displayName").GetString().ShouldBe("Alice Example");
        t1Agent.GetProperty("station").GetProperty("uri").GetString().ShouldBe("sip:alice@192.0.2.10:5060");
    }

    [Fact]
    public async Task TheDeskOfAnAgentWithoutConversationsIsEmptyAtSequence0()
    {
        var agentId = await _host.PutAgentAsync();
        using var client = _host.Client();

        using var response = await client.GetAsync($"/api/v1/agents/{agentId}/conversations");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var desk = await response.ReadJsonAsync();
        desk.GetProperty("agentId").GetString().ShouldBe(agentId);
        desk.GetProperty("sequence").GetInt64().ShouldBe(0);
        desk.GetProperty("current").GetArrayLength().ShouldBe(0);
        ActiveConversationId(desk).ShouldBeNull();
    }

    [Fact]
    public async Task TheDeskOfAnAgentOnACallShowsItAsActiveWithTheAgentsParticipant()
    {
        var call = await _host.StartConnectedCallAsync();
        var conversation = await _host.GetConversationAsync(call.Id);
        using var client = _host.Client(ApiHost.CallsOnlyKey);

        using var response = await client.GetAsync($"/api/v1/agents/{call.AgentId}/conversations");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var desk = await response.ReadJsonAsync();
        desk.GetProperty("agentId").GetString().ShouldBe(call.AgentId);
        desk.GetProperty("sequence").GetInt64().ShouldBeGreaterThanOrEqualTo(1);
        ActiveConversationId(desk).ShouldBe(call.Id);
        var item = desk.GetProperty("current").EnumerateArray().ShouldHaveSingleItem();
        item.GetProperty("conversationId").GetString().ShouldBe(call.Id);
        item.GetProperty("version").GetInt64().ShouldBe(conversation.GetProperty("version").GetInt64());
        item.GetProperty("conversation").GetRawText().ShouldBe(conversation.GetRawText());
        item.GetProperty("agentParticipant").GetProperty("id").GetString().ShouldBe(call.AgentParticipantId);
        item.GetProperty("agentParticipant").GetProperty("agentId").GetString().ShouldBe(call.AgentId);
        desk.TryGetProperty("added", out _).ShouldBeFalse();
        desk.TryGetProperty("removed", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task TheDeskSequenceGrowsByOnePerChangeTheAgentSees()
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await DeskAsync(call.AgentId);

        using var client = _host.Client();
        using var hold = await client.PostAsync(call.Customer("hold"));
        var pending = await DeskAsync(call.AgentId);
        await _host.FactAsync(call.Id, at => new ConversationCommand.ConfirmLegHeld(new ParticipantId(call.CustomerParticipantId), at));
        var held = await DeskAsync(call.AgentId);

        hold.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        pending.GetProperty("sequence").GetInt64().ShouldBe(before.GetProperty("sequence").GetInt64() + 1);
        held.GetProperty("sequence").GetInt64().ShouldBe(before.GetProperty("sequence").GetInt64() + 2);
        var customer = held.GetProperty("current")[0].GetProperty("conversation").ParticipantWithId(call.CustomerParticipantId);
        customer.GetProperty("held").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task TheActiveConversationIsTheConnectedOneThatIsNotHeld()
    {
        var agentId = await _host.PutAgentAsync();
        var first = await _host.StartConnectedCallAsync(agentId);
        var second = await _host.StartConnectedCallAsync(agentId);
        using var client = _host.Client();

        using var hold = await client.PostAsync(second.Customer("hold"));
        await _host.FactAsync(second.Id, at => new ConversationCommand.ConfirmLegHeld(new ParticipantId(second.CustomerParticipantId), at));
        var desk = await DeskAsync(agentId);

        hold.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        desk.GetProperty("current").EnumerateArray().Select(i => i.GetProperty("conversationId").GetString())
            .ShouldBe([first.Id, second.Id], ignoreOrder: true);
        ActiveConversationId(desk).ShouldBe(first.Id);
    }

    [Fact]
    public async Task AnEndedConversationLeavesTheDesk()
    {
        var call = await _host.StartConnectedCallAsync();

        await _host.FactAsync(call.Id, at => new ConversationCommand.ReportLegEnded(
            new ParticipantId(call.CustomerParticipantId), DisconnectReason.Success, 200, Initiator.Customer, at));
        await _host.FactAsync(call.Id, at => new ConversationCommand.ReportLegEnded(
            new ParticipantId(call.AgentParticipantId), DisconnectReason.Success, 200, Initiator.System, at));
        var desk = await DeskAsync(call.AgentId);

        (await _host.GetConversationAsync(call.Id)).GetProperty("state").GetString().ShouldBe("ended");
        desk.GetProperty("current").GetArrayLength().ShouldBe(0);
        ActiveConversationId(desk).ShouldBeNull();
    }

    [Fact]
    public async Task TheDeskOfAnUnknownAgentIs404()
    {
        using var client = _host.Client();

        using var response = await client.GetAsync($"/api/v1/agents/{ApiDriver.NewAgentId()}/conversations");

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    private async Task<JsonElement> DeskAsync(string agentId)
    {
        using var client = _host.Client();
        using var response = await client.GetAsync($"/api/v1/agents/{agentId}/conversations");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    /// <summary>Null whether the property is null or left out (the service leaves nulls out).</summary>
    private static string? ActiveConversationId(JsonElement desk) =>
        desk.TryGetProperty("activeConversationId", out var active) && active.ValueKind != JsonValueKind.Null ? active.GetString() : null;
}
