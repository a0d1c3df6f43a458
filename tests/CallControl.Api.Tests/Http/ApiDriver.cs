using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Domain.Agents;
using CallControl.Domain.Conversations;
using CallControl.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CallControl.Api.Tests.Http;

/// <summary>An outbound call as the tests know it: the conversation and the ids of its two participants.</summary>
/// <param name="CustomerParticipantId">Empty until the agent answered (the customer is added then).</param>
internal sealed record Call(string Id, string AgentId, string AgentParticipantId, string CustomerParticipantId)
{
    public string Path => $"/api/v1/conversations/{Id}";

    public string Participant(string participantId, string action) => $"{Path}/participants/{participantId}/{action}";

    public string Customer(string action) => Participant(CustomerParticipantId, action);

    public string Agent(string action) => Participant(AgentParticipantId, action);
}

/// <summary>
/// Builds conversations through the public API and stands in for the media worker (not wired yet) by
/// deciding media facts with the app's own command service, as the worker will.
/// </summary>
internal static class ApiDriver
{
    public const string Tenant = "t1";

    public static string NewAgentId() => "agent-" + Guid.NewGuid().ToString("N")[..12];

    public static object AgentBody(string displayName = "Alice Example", bool autoAnswer = false) =>
        new { displayName, station = new { uri = "sip:alice@192.0.2.10:5060", lineAppearances = 2 }, autoAnswer };

    public static async Task<string> PutAgentAsync(this ApiHost host, string? agentId = null, string apiKey = ApiHost.Key)
    {
        agentId ??= NewAgentId();
        using var client = host.Client(apiKey);
        using var response = await client.PutAsJsonAsync($"/api/v1/agents/{agentId}", AgentBody());
        response.StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.OK);
        return agentId;
    }

    /// <summary>A new click-to-dial conversation: the agent's station is being dialled.</summary>
    public static async Task<Call> StartDialingCallAsync(this ApiHost host, string? agentId = null, string to = "+15551234567")
    {
        agentId ??= await host.PutAgentAsync();
        using var client = host.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/conversations", new { agentId, to });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = body.RootElement.GetProperty("id").GetString()!;
        var agent = body.RootElement.GetProperty("participants").EnumerateArray().Single();
        return new Call(id, agentId, agent.GetProperty("id").GetString()!, string.Empty);
    }

    /// <summary>The agent answered; the customer is being dialled.</summary>
    public static async Task<Call> StartCallWithCustomerDialingAsync(this ApiHost host, string? agentId = null)
    {
        var call = await host.StartDialingCallAsync(agentId);
        await host.FactAsync(call.Id, at => new ConversationCommand.ConfirmLegAnswered(new ParticipantId(call.AgentParticipantId), at));
        var conversation = await host.GetConversationAsync(call.Id);
        var customer = conversation.ParticipantWithRole("customer");
        customer.GetProperty("state").GetString().ShouldBe("dialing");
        return call with { CustomerParticipantId = customer.GetProperty("id").GetString()! };
    }

    /// <summary>Agent and customer both answered and are bridged.</summary>
    public static async Task<Call> StartConnectedCallAsync(this ApiHost host, string? agentId = null)
    {
        var call = await host.StartCallWithCustomerDialingAsync(agentId);
        await host.FactAsync(call.Id, at => new ConversationCommand.ConfirmLegAnswered(new ParticipantId(call.CustomerParticipantId), at));
        var conversation = await host.GetConversationAsync(call.Id);
        conversation.GetProperty("state").GetString().ShouldBe("connected");
        return call;
    }

    /// <summary>An inbound call offered to an agent (the "pending session"), as routing will do it.</summary>
    public static async Task<Call> StartInboundOfferAsync(this ApiHost host, string? agentId = null)
    {
        agentId ??= await host.PutAgentAsync();
        var id = Guid.CreateVersion7().ToString();
        var customer = Guid.CreateVersion7().ToString();
        var offer = Guid.CreateVersion7().ToString();
        await host.FactAsync(id, at => new ConversationCommand.ReceiveInboundCall(
            new ConversationId(id), new ParticipantId(customer), "+15559876543", "+15550001111", "Caller", at), actor: "routing");
        await host.FactAsync(id, at => new ConversationCommand.OfferToAgent(
            new ParticipantId(offer), new AgentId(agentId), "sip:alice@192.0.2.10:5060", at), actor: "routing");
        return new Call(id, agentId, offer, customer);
    }

    /// <summary>Decides a command as another part of the system would (the media worker by default).</summary>
    public static async Task<CommandResponse> FactAsync(
        this ApiHost host, string conversationId, Func<DateTimeOffset, ConversationCommand> build, string tenant = Tenant, string actor = "media")
    {
        var service = host.Services.GetRequiredService<ConversationCommandService>();
        var response = await service.ExecuteAsync(conversationId, new CommandOptions(tenant, actor), build);
        response.Status.ShouldBeOneOf([200, 201, 202], response.Body);
        return response;
    }

    /// <summary>
    /// Plays the media worker answering a request: after <paramref name="delay"/>, once the participant has
    /// <paramref name="command"/> pending (so the fact cannot overtake the command), reports <paramref name="fact"/>.
    /// </summary>
    public static Task ReportWhenPendingAsync(
        this ApiHost host, string conversationId, string participantId, string command, TimeSpan delay, Func<DateTimeOffset, ConversationCommand> fact) =>
        Task.Run(async () =>
        {
            await Task.Delay(delay);
            await host.WaitForConversationAsync(conversationId, c => c.ParticipantWithId(participantId).GetProperty("pending").EnumerateArray()
                .Any(p => p.GetProperty("command").GetString() == command));
            await host.FactAsync(conversationId, fact);
        });

    /// <summary>Polls the conversation until <paramref name="condition"/> holds (at most 5 s).</summary>
    public static async Task WaitForConversationAsync(this ApiHost host, string conversationId, Func<JsonElement, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(5);
        while (!condition(await host.GetConversationAsync(conversationId)))
        {
            DateTimeOffset.UtcNow.ShouldBeLessThan(deadline, "the conversation never reached the expected state");
            await Task.Delay(20);
        }
    }

    public static async Task<JsonElement> GetConversationAsync(this ApiHost host, string conversationId)
    {
        using var client = host.Client();
        using var response = await client.GetAsync($"/api/v1/conversations/{conversationId}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    public static JsonElement ParticipantWithRole(this JsonElement conversation, string role) =>
        conversation.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("role").GetString() == role);

    public static JsonElement ParticipantWithId(this JsonElement conversation, string id) =>
        conversation.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);

    /// <summary>Events stored for the tenant, or for one stream of it.</summary>
    public static async Task<long> CountEventsAsync(this ApiHost host, string? streamId = null, string tenant = Tenant)
    {
        await using var command = host.Database.DataSource.CreateCommand(
            "SELECT count(*) FROM events WHERE tenant_id = $1 AND ($2::text IS NULL OR stream_id = $2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenant });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = streamId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Events of every tenant, and the rows of the tables a request could write besides the log.</summary>
    public static async Task<(long Events, long Agents, long Idempotency)> CountWritesAsync(this ApiHost host)
    {
        await using var command = host.Database.DataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM agents), (SELECT count(*) FROM idempotency_records)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public static async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(this ApiHost host, string conversationId, string tenant = Tenant) =>
        await host.Services.GetRequiredService<PostgresEventStore>().ReadStreamAsync(tenant, conversationId);
}
