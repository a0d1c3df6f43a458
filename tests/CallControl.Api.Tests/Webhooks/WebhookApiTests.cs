using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Testing;

namespace CallControl.Api.Tests.Webhooks;

public sealed class WebhookApiTests : IClassFixture<ApiHost>
{
    private const string PublicUrl = "https://203.0.113.10/hooks/callcontrol";
    private readonly ApiHost _host;

    public WebhookApiTests(ApiHost host) => _host = host;

    [Fact]
    public async Task CreatingASubscriptionShowsItsGeneratedSecretOnceAndReadsNeverShowIt()
    {
        using var client = _host.Client();

        var created = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = PublicUrl, events = new[] { "conversationUpdate", "conversation.ended" }, agentIds = new[] { "a1" } });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString()!;
        var secret = body.RootElement.GetProperty("secret").GetString()!;
        secret.ShouldStartWith("whsec_");
        Convert.FromBase64String(secret["whsec_".Length..]).Length.ShouldBe(32);
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/webhooks/{id}");

        var read = await client.GetStringAsync($"/api/v1/webhooks/{id}");
        var list = await client.GetStringAsync("/api/v1/webhooks");
        read.ShouldNotContain("secret");
        list.ShouldNotContain("secret");
        list.ShouldContain(id);
        using var readBody = JsonDocument.Parse(read);
        readBody.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetString()).ShouldBe(["conversationUpdate", "conversation.ended"]);
        readBody.RootElement.GetProperty("agentIds").EnumerateArray().Select(e => e.GetString()).ShouldBe(["a1"]);
    }

    [Fact]
    public async Task ASuppliedSecretIsKeptAndAMalformedOneIsRefused()
    {
        using var client = _host.Client();
        var secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

        var kept = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = PublicUrl, events = new[] { "conversationUpdate" }, secret });
        var refused = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = PublicUrl, events = new[] { "conversationUpdate" }, secret = "not-a-secret" });

        kept.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await kept.Content.ReadAsStringAsync()).ShouldContain(secret);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("\"secret\"");
    }

    [Theory]
    [InlineData("""{"url":"https://203.0.113.10/h","events":[]}""", "events")]
    [InlineData("""{"url":"https://203.0.113.10/h","events":["call.started"]}""", "events")]
    [InlineData("""{"url":"https://203.0.113.10/h"}""", "events")]
    [InlineData("""{"url":"ftp://203.0.113.10/h","events":["conversationUpdate"]}""", "url")]
    [InlineData("""{"url":"http://127.0.0.1:9/h","events":["conversationUpdate"]}""", "url")]
    [InlineData("""{"url":"http://169.254.169.254/latest","events":["conversationUpdate"]}""", "url")]
    [InlineData("""{"url":"http://10.1.2.3/h","events":["conversationUpdate"]}""", "url")]
    [InlineData("""{"url":"https://203.0.113.10/h","events":["conversationUpdate"],"agentIds":["bad id"]}""", "agentIds")]
    public async Task AnInvalidSubscriptionIs400NamingTheField(string json, string field)
    {
        using var client = _host.Client();

        var response = await client.PostAsync("/api/v1/webhooks", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("type").GetString().ShouldBe("urn:callcontrol:problem:validation");
        problem.RootElement.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.RootElement.ToString());
    }

    [Fact]
    public async Task DeletingASubscriptionMakesItNotFoundAndAnotherTenantCannotSeeOrDeleteIt()
    {
        using var client = _host.Client();
        using var other = _host.Client(ApiHost.OtherTenantKey);
        var created = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = PublicUrl, events = new[] { "conversationUpdate" } });
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString()!;

        (await other.GetAsync($"/api/v1/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetAsync($"/api/v1/webhooks/{id}/deliveries")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetStringAsync("/api/v1/webhooks")).ShouldNotContain(id);

        (await client.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await client.GetAsync($"/api/v1/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task WebhooksNeedTheWebhooksScope()
    {
        using var callsOnly = _host.Client(ApiHost.CallsOnlyKey);
        using var anonymous = _host.Client(null);

        (await callsOnly.GetAsync("/api/v1/webhooks")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await anonymous.GetAsync("/api/v1/webhooks")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TheDeliveriesQueryChecksItsStatusAndLimit()
    {
        using var client = _host.Client();
        var created = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = PublicUrl, events = new[] { "conversationUpdate" } });
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString()!;

        (await client.GetAsync($"/api/v1/webhooks/{id}/deliveries?status=pending")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/api/v1/webhooks/{id}/deliveries?status=lost")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.GetAsync($"/api/v1/webhooks/{id}/deliveries?limit=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await client.PostAsync($"/api/v1/webhooks/{id}/deliveries/999999/redeliver", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
