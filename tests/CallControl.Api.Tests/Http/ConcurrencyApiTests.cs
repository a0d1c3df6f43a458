using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CallControl.Api.Conversations;
using CallControl.Api.EventStore;
using CallControl.Domain.Conversations;
using CallControl.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static CallControl.Domain.Conversations.ConversationCommand;

namespace CallControl.Api.Tests.Http;

/// <summary>Many clients on one conversation: no lost, duplicated or misnumbered events, and a read model true to the log.</summary>
public sealed class ConcurrencyApiTests : IClassFixture<ApiHost>
{
    private const int Clients = 20;
    private const int RequestsPerClient = 5;
    private static readonly string[] Actions = ["hold", "resume", "mute", "unmute"];

    private readonly ApiHost _host;

    public ConcurrencyApiTests(ApiHost host) => _host = host;

    [Fact]
    public async Task TwentyClientsHoldingAndMutingOneConversationLeaveAGaplessLogAndAReadModelEqualToItsFold()
    {
        var call = await _host.StartConnectedCallAsync();

        var answers = await StormAsync(call, Clients);

        // Both participants stay connected, so the only refusal is the cap on changes waiting for media (the
        // stand-in worker confirms in bursts); a lost-race 500 is the bug pinned by HeavyContentionNeverAnswers500,
        // and even then the log and the read model must stay whole.
        answers.Where(a => a.Status is not (200 or 202) && !IsLostRace(a) && !IsWaitingForMedia(a)).ShouldBeEmpty();
        answers.Count.ShouldBe(Clients * RequestsPerClient);
        var stored = await _host.ReadStreamAsync(call.Id);
        stored.Select(e => e.Version).ShouldBe(Enumerable.Range(1, stored.Count).Select(v => (long)v));
        (await StreamVersionAsync(call.Id)).ShouldBe(stored.Count);
        var acceptedVersions = answers.Where(a => a.Status == 202)
            .Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("version").GetInt64()).ToList();
        acceptedVersions.ShouldBeUnique();
        acceptedVersions.ShouldAllBe(v => v >= 1 && v <= stored.Count);
        stored.Count(e => e.Type.EndsWith("Requested", StringComparison.Ordinal)).ShouldBe(acceptedVersions.Count);
        acceptedVersions.Count.ShouldBeGreaterThanOrEqualTo(Clients / 2, "too few requests changed something to race");
        stored.Select(e => e.Type).ShouldContain(t => t == "ParticipantHeld" || t == "ParticipantMuted", "the media layer confirmed nothing");

        var folded = (Conversation.Started)ConversationDecider.Fold(stored.Select(ConversationEventSerializer.Deserialize));
        var expected = JsonSerializer.Serialize(ConversationView.From(folded, stored.Count), ConversationEventSerializer.Options);
        using var client = _host.Client();
        using var read = await client.GetAsync(call.Path);
        read.Headers.ETag!.Tag.ShouldBe(HttpExchange.Quoted(stored.Count));
        (await read.Content.ReadAsStringAsync()).ShouldBe(expected);
        await ShouldHaveGaplessDeskSequenceAsync(call.AgentId);
    }

    [Fact]
    public async Task HeavyContentionNeverAnswers500()
    {
        var answers = new List<(int Status, string Body)>();
        for (var round = 0; round < 4 && !answers.Any(a => a.Status >= 500); round++)
        {
            answers.AddRange(await StormAsync(await _host.StartConnectedCallAsync(), 3 * Clients));
        }

        answers.Where(a => a.Status >= 500).ShouldBeEmpty();
    }

    [Fact]
    public async Task CommandsRacingWithTheSameIfMatchLetExactlyOneWinAndTheOthersGet412()
    {
        var call = await _host.StartConnectedCallAsync();
        var version = await _host.CountEventsAsync(call.Id);
        string[] paths = [call.Customer("hold"), call.Customer("mute"), call.Agent("hold"), call.Agent("mute"), $"{call.Path}/recording"];

        var statuses = await Task.WhenAll(paths.Select(async path =>
        {
            using var client = _host.Client();
            using var response = await client.PostAsync(path, path.EndsWith("/recording", StringComparison.Ordinal) ? """{"enabled":true}""" : null,
                ifMatch: HttpExchange.Quoted(version));
            if (response.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                await response.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "version-mismatch");
            }

            return response.StatusCode;
        }));

        statuses.Count(s => s == HttpStatusCode.Accepted).ShouldBe(1);
        statuses.Count(s => s == HttpStatusCode.PreconditionFailed).ShouldBe(paths.Length - 1);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(version + 1);
    }

    [Fact]
    public async Task ConversationsOfOneAgentStartedConcurrentlyNumberTheDeskUpdatesWithoutGaps()
    {
        var agentId = await _host.PutAgentAsync();

        var calls = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _host.StartDialingCallAsync(agentId)));

        calls.Select(c => c.Id).ShouldBeUnique();
        await ShouldHaveGaplessDeskSequenceAsync(agentId);
        using var client = _host.Client();
        using var desk = await client.GetAsync($"/api/v1/agents/{agentId}/conversations");
        var snapshot = await desk.ReadJsonAsync();
        snapshot.GetProperty("current").EnumerateArray().Select(i => i.GetProperty("conversationId").GetString())
            .ShouldBe(calls.Select(c => c.Id), ignoreOrder: true);
        snapshot.GetProperty("sequence").GetInt64().ShouldBe(calls.Length);
    }

    /// <summary>
    /// <paramref name="clients"/> clients each send <see cref="RequestsPerClient"/> hold/resume/mute/unmute requests
    /// on the call's two participants while the media layer confirms whatever is pending.
    /// </summary>
    private async Task<List<(int Status, string Body)>> StormAsync(Call call, int clients)
    {
        string[] participants = [call.CustomerParticipantId, call.AgentParticipantId];
        var answers = new ConcurrentBag<(int Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var media = ConfirmEverythingPendingAsync(call, stop.Token);

        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var random = new Random(client);
            using var http = _host.Client();
            for (var i = 0; i < RequestsPerClient; i++)
            {
                // Each client flips one setting back and forth, so many requests change something.
                var participant = participants[client % participants.Length];
                var action = Actions[(client / participants.Length % 2 * 2) + ((i + random.Next(2)) % 2)];
                using var response = await http.PostAsync(call.Participant(participant, action));
                answers.Add(((int)response.StatusCode, await response.Content.ReadAsStringAsync()));
            }
        }));
        await stop.CancelAsync();
        await media;
        return [.. answers];
    }

    private static bool IsWaitingForMedia((int Status, string Body) answer) =>
        answer.Status == 409 && answer.Body.Contains($"changes waiting for media (at most {ConversationDecider.MaxPendingChanges})", StringComparison.Ordinal);

    private static bool IsLostRace((int Status, string Body) answer) =>
        answer.Status == 500 && answer.Body.Contains("urn:callcontrol:problem:internal", StringComparison.Ordinal);

    /// <summary>The media worker's part: confirms what is pending, in bursts, until told to stop; then until nothing is left.</summary>
    private Task ConfirmEverythingPendingAsync(Call call, CancellationToken stop) => Task.Run(async () =>
    {
        var random = new Random(42);
        while (!stop.IsCancellationRequested)
        {
            await ConfirmPendingAsync(call);
            await Task.Delay(random.Next(5, 25), CancellationToken.None);
        }

        while (await ConfirmPendingAsync(call) > 0)
        {
        }
    });

    /// <summary>Reports each change pending now as confirmed; returns how many it reported.</summary>
    private async Task<int> ConfirmPendingAsync(Call call)
    {
        var service = _host.Services.GetRequiredService<ConversationCommandService>();
        var state = (Conversation.Started)(await service.LoadAsync(ApiDriver.Tenant, call.Id, CancellationToken.None)).State;
        var reported = 0;
        foreach (var participant in state.Participants)
        {
            foreach (var pending in participant.Pending)
            {
                var id = participant.Id;
                Func<DateTimeOffset, ConversationCommand> fact = pending.Command switch
                {
                    MediaOperation.Hold => at => new ConfirmLegHeld(id, at),
                    MediaOperation.Resume => at => new ConfirmLegResumed(id, at),
                    MediaOperation.Mute => at => new ConfirmLegMuted(id, at),
                    _ => at => new ConfirmLegUnmuted(id, at),
                };
                try
                {
                    await _host.FactAsync(call.Id, fact);
                    reported++;
                }
                catch (StreamConcurrencyException)
                {
                    // The lost-race bug (see HeavyContentionNeverAnswers500) hits facts too; a worker would report again.
                }
            }
        }

        return reported;
    }

    private async Task<long> StreamVersionAsync(string conversationId)
    {
        await using var command = _host.Database.DataSource.CreateCommand("SELECT version FROM streams WHERE tenant_id = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApiDriver.Tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ShouldHaveGaplessDeskSequenceAsync(string agentId)
    {
        await using var command = _host.Database.DataSource.CreateCommand(
            "SELECT sequence FROM agent_desk_updates WHERE tenant_id = $1 AND agent_id = $2 ORDER BY sequence");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApiDriver.Tenant });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = agentId });
        var sequences = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sequences.Add(reader.GetInt64(0));
        }

        sequences.ShouldNotBeEmpty();
        sequences.ShouldBe(Enumerable.Range(1, sequences.Count).Select(s => (long)s));
    }
}
