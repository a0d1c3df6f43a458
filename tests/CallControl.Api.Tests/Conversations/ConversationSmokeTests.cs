using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Testing;

namespace CallControl.Api.Tests.Conversations;

public sealed class ClickToDialTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _host;

    public ClickToDialTests(ApiHost host) => _host = host;

    [Fact]
    public async Task StartingAConversationDialsTheAgentsStationFirst()
    {
        using var client = _host.Client();
        (await client.PutAsJsonAsync("/api/v1/agents/a1", new { displayName = "Alice", station = new { uri = "sip:alice@127.0.0.1:5070" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        var response = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId = "a1", to = "+15551234567" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var conversation = body.RootElement;
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/conversations/{conversation.GetProperty("id").GetString()}");
        conversation.GetProperty("direction").GetString().ShouldBe("outbound");
        conversation.GetProperty("state").GetString().ShouldBe("alerting");
        var agent = conversation.GetProperty("participants").EnumerateArray().ShouldHaveSingleItem();
        agent.GetProperty("role").GetString().ShouldBe("agent");
        agent.GetProperty("state").GetString().ShouldBe("dialing");
        agent.GetProperty("address").GetString().ShouldBe("sip:alice@127.0.0.1:5070");
    }
}
