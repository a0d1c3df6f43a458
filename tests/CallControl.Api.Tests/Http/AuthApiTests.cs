using System.Net;
using CallControl.Testing;

namespace CallControl.Api.Tests.Http;

/// <summary>Keys, scopes and tenants on every route: 401, 403, and 404 for another tenant's resources.</summary>
public sealed class AuthApiTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _host;

    public AuthApiTests(ApiHost host) => _host = host;

    [Fact]
    public async Task EveryEndpointAnswers401UnauthorizedWithoutAKeyAndWritesNothing()
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountWritesAsync();
        using var client = _host.Client(null);

        var answers = await AnswersAsync(client, call, ApiEndpoints.All, HttpStatusCode.Unauthorized, "unauthorized");

        answers.ShouldBe(ApiEndpoints.All.Select(e => $"{e.Name}: 401 unauthorized"));
        (await _host.CountWritesAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task EveryEndpointAnswers401UnauthorizedForAKeyThatDoesNotExist()
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountWritesAsync();
        using var client = _host.Client(ApiHost.Key + "-revoked");

        var answers = await AnswersAsync(client, call, ApiEndpoints.All, HttpStatusCode.Unauthorized, "unauthorized");

        answers.ShouldBe(ApiEndpoints.All.Select(e => $"{e.Name}: 401 unauthorized"));
        (await _host.CountWritesAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("calls", ApiHost.AgentsOnlyKey)]
    [InlineData("agents", ApiHost.CallsOnlyKey)]
    public async Task EveryEndpointAnswers403ForbiddenToAKeyWithoutItsScope(string scope, string keyWithoutScope)
    {
        var call = await _host.StartConnectedCallAsync();
        var endpoints = ApiEndpoints.All.Where(e => e.Scope == scope).ToList();
        var before = await _host.CountWritesAsync();
        using var client = _host.Client(keyWithoutScope);

        var answers = await AnswersAsync(client, call, endpoints, HttpStatusCode.Forbidden, "forbidden");

        answers.ShouldBe(endpoints.Select(e => $"{e.Name}: 403 forbidden"));
        (await _host.CountWritesAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("calls", ApiHost.CallsOnlyKey)]
    [InlineData("agents", ApiHost.AgentsOnlyKey)]
    public async Task ASingleScopeKeyReachesTheEndpointsOfItsScope(string scope, string key)
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client(key);

        foreach (var endpoint in ApiEndpoints.All.Where(e => e.Scope == scope && e.Method != HttpMethod.Post))
        {
            using var response = await client.SendAsync(endpoint.Method, endpoint.Path(call), endpoint.BodyFor(call));
            ((int)response.StatusCode).ShouldBeInRange(200, 299, endpoint.Name);
        }
    }

    [Fact]
    public async Task DeskSnapshotNeedsTheCallsScopeNotTheAgentsScope()
    {
        var agentId = await _host.PutAgentAsync();
        using var calls = _host.Client(ApiHost.CallsOnlyKey);
        using var agents = _host.Client(ApiHost.AgentsOnlyKey);

        using var allowed = await calls.GetAsync($"/api/v1/agents/{agentId}/conversations");
        using var refused = await agents.GetAsync($"/api/v1/agents/{agentId}/conversations");

        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task AnotherTenantGets404ForEveryResourceOfT1ExactlyAsForAnIdThatNeverExisted()
    {
        var call = await _host.StartConnectedCallAsync();
        var unknown = call with { Id = Guid.CreateVersion7().ToString(), AgentId = ApiDriver.NewAgentId() };
        var endpoints = ApiEndpoints.All.Where(e => e.Name is not ("PUT agent" or "GET conversations")).ToList();
        var before = await _host.CountWritesAsync();
        var conversationBefore = await _host.GetConversationAsync(call.Id);
        using var otherTenant = _host.Client(ApiHost.OtherTenantKey);

        var mismatches = new List<string>();
        foreach (var endpoint in endpoints)
        {
            using var existing = await otherTenant.SendAsync(endpoint.Method, endpoint.Path(call), endpoint.BodyFor(call));
            using var neverExisted = await otherTenant.SendAsync(endpoint.Method, endpoint.Path(unknown), endpoint.BodyFor(unknown));
            var existingProblem = await existing.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
            var unknownProblem = await neverExisted.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
            var revealed = existingProblem.Normalized(call.Id).Replace(call.AgentId, "{agent}", StringComparison.Ordinal);
            var hidden = unknownProblem.Normalized(unknown.Id).Replace(unknown.AgentId, "{agent}", StringComparison.Ordinal);
            if (revealed != hidden)
            {
                mismatches.Add($"{endpoint.Name}: {revealed} vs {hidden}");
            }
        }

        mismatches.ShouldBeEmpty();
        (await _host.CountWritesAsync()).ShouldBe(before);
        (await _host.GetConversationAsync(call.Id)).GetRawText().ShouldBe(conversationBefore.GetRawText());
    }

    private static async Task<List<string>> AnswersAsync(
        HttpClient client, Call call, IEnumerable<ApiEndpoint> endpoints, HttpStatusCode expected, string expectedCode)
    {
        var answers = new List<string>();
        foreach (var endpoint in endpoints)
        {
            using var response = await client.SendAsync(endpoint.Method, endpoint.Path(call), endpoint.BodyFor(call));
            var answer = $"{endpoint.Name}: {(int)response.StatusCode}";
            if (response.StatusCode == expected)
            {
                var problem = await response.ShouldBeProblemAsync(expected, expectedCode);
                answer += " " + problem.GetProperty("type").GetString()![HttpExchange.ProblemPrefix.Length..];
            }

            answers.Add(answer);
        }

        return answers;
    }
}
