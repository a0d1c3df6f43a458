using System.Net;
using System.Text.Json;
using CallControl.Domain.Conversations;
using CallControl.Testing;
using static CallControl.Domain.Conversations.ConversationCommand;

namespace CallControl.Api.Tests.Http;

/// <summary>Every conversation command: success, validation, 404, 409 <c>invalid-state</c> and 412.</summary>
public sealed class ConversationCommandsApiTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _host;

    public ConversationCommandsApiTests(ApiHost host) => _host = host;

    public static TheoryData<string> Commands => ApiEndpoints.Names(ApiEndpoints.ConversationCommands);

    public static TheoryData<string> ParticipantCommands => ApiEndpoints.Names(ApiEndpoints.ParticipantCommands);

    [Fact]
    public async Task StartConversationAnswers201WithTheConversationAsGetShowsItAndItsLocation()
    {
        var agentId = await _host.PutAgentAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync("/api/v1/conversations",
            $$"""{"agentId":"{{agentId}}","to":"sip:bob@198.51.100.20:5060","from":"+15550001111","callerIdName":"Support"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await response.ReadJsonAsync();
        var id = created.GetProperty("id").GetString()!;
        Guid.TryParse(id, out var guid).ShouldBeTrue();
        guid.Version.ShouldBe(7);
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/conversations/{id}");
        created.GetProperty("version").GetInt64().ShouldBe(await _host.CountEventsAsync(id));
        created.GetProperty("direction").GetString().ShouldBe("outbound");
        created.GetProperty("state").GetString().ShouldBe("alerting");
        var agent = created.GetProperty("participants").EnumerateArray().ShouldHaveSingleItem();
        agent.GetProperty("role").GetString().ShouldBe("agent");
        agent.GetProperty("agentId").GetString().ShouldBe(agentId);
        agent.GetProperty("state").GetString().ShouldBe("dialing");
        agent.GetProperty("held").GetBoolean().ShouldBeFalse();
        agent.GetProperty("muted").GetBoolean().ShouldBeFalse();
        (await _host.GetConversationAsync(id)).GetRawText().ShouldBe(created.GetRawText());
    }

    [Fact]
    public async Task TheCustomerIsDialledOnlyOnceTheAgentAnswersAndBothConnectedMakeTheConversationConnected()
    {
        var call = await _host.StartCallWithCustomerDialingAsync();
        var ringing = await _host.GetConversationAsync(call.Id);

        await _host.FactAsync(call.Id, at => new ConfirmLegAnswered(new ParticipantId(call.CustomerParticipantId), at));
        var connected = await _host.GetConversationAsync(call.Id);

        ringing.GetProperty("state").GetString().ShouldBe("alerting");
        ringing.ParticipantWithRole("customer").GetProperty("address").GetString().ShouldBe("+15551234567");
        connected.GetProperty("state").GetString().ShouldBe("connected");
        connected.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("state").GetString()).ShouldBe(["connected", "connected"]);
        connected.ParticipantWithRole("customer").TryGetProperty("connectedAt", out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"to":"+15551234567"}""", "agentId")]
    [InlineData("""{"agentId":"bad id","to":"+15551234567"}""", "agentId")]
    [InlineData("""{"agentId":"a1"}""", "to")]
    [InlineData("""{"agentId":"a1","to":"5551234567"}""", "to")]
    [InlineData("""{"agentId":"a1","to":"+0551234567"}""", "to")]
    [InlineData("""{"agentId":"a1","to":"tel:+15551234567"}""", "to")]
    [InlineData("""{"agentId":"a1","to":"sip:"}""", "to")]
    [InlineData("""{"agentId":"a1","to":"+15551234567","from":"anonymous"}""", "from")]
    [InlineData("""{"agentId":"a1","to":"+15551234567","callerIdName":"12345678901234567890123456789012345678901234567890123456789012345"}""", "callerIdName")]
    [InlineData("""{"agentId":"a1","to":"+15551234567","callerIdName":"Bell\u0007"}""", "callerIdName")]
    public async Task StartConversationAnswers400NamingTheInvalidField(string body, string field)
    {
        await _host.PutAgentAsync("a1");
        var before = await _host.CountEventsAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync("/api/v1/conversations", body);

        await response.ShouldBeValidationProblemAsync(field);
        (await _host.CountEventsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task StartConversationAnswers404ForAnAgentThatDoesNotExist()
    {
        var before = await _host.CountEventsAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync("/api/v1/conversations", """{"agentId":"nobody-here","to":"+15551234567"}""");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        problem.GetProperty("detail").GetString()!.ShouldContain("nobody-here");
        (await _host.CountEventsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task HoldAnswers202WithCommandIdConversationIdVersionAndLocationAndLeavesTheHoldPending()
    {
        var call = await _host.StartConnectedCallAsync();
        var version = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Customer("hold"), """{"music":false}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        response.Headers.Location!.ToString().ShouldBe(call.Path);
        var accepted = await response.ReadJsonAsync();
        Guid.TryParse(accepted.GetProperty("commandId").GetString(), out _).ShouldBeTrue();
        accepted.GetProperty("conversationId").GetString().ShouldBe(call.Id);
        accepted.GetProperty("version").GetInt64().ShouldBe(version + 1);
        var stored = (await _host.ReadStreamAsync(call.Id))[^1];
        stored.Type.ShouldBe("ParticipantHoldRequested");
        JsonDocument.Parse(stored.Data).RootElement.GetProperty("music").GetBoolean().ShouldBeFalse();
        stored.Metadata.CommandId.ShouldBe(accepted.GetProperty("commandId").GetString());
        var customer = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.CustomerParticipantId);
        customer.GetProperty("held").GetBoolean().ShouldBeFalse();
        customer.GetProperty("pending").EnumerateArray().Select(p => p.GetProperty("command").GetString()).ShouldBe(["hold"]);
    }

    [Fact]
    public async Task HoldWithoutABodyHoldsWithMusic()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Customer("hold"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var stored = (await _host.ReadStreamAsync(call.Id))[^1];
        stored.Type.ShouldBe("ParticipantHoldRequested");
        JsonDocument.Parse(stored.Data).RootElement.GetProperty("music").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task HoldThenResumeAreShownOnlyOnceTheMediaLayerConfirmsThem()
    {
        var call = await _host.StartConnectedCallAsync();
        var customer = new ParticipantId(call.CustomerParticipantId);
        using var client = _host.Client();

        using var hold = await client.PostAsync(call.Customer("hold"));
        await _host.FactAsync(call.Id, at => new ConfirmLegHeld(customer, at));
        var held = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.CustomerParticipantId);
        using var resume = await client.PostAsync(call.Customer("resume"));
        var resuming = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.CustomerParticipantId);
        await _host.FactAsync(call.Id, at => new ConfirmLegResumed(customer, at));
        var resumed = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.CustomerParticipantId);

        hold.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        resume.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        held.GetProperty("held").GetBoolean().ShouldBeTrue();
        held.GetProperty("pending").GetArrayLength().ShouldBe(0);
        resuming.GetProperty("held").GetBoolean().ShouldBeTrue();
        resuming.GetProperty("pending")[0].GetProperty("command").GetString().ShouldBe("resume");
        resumed.GetProperty("held").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task MuteThenUnmuteAreShownOnlyOnceTheMediaLayerConfirmsThem()
    {
        var call = await _host.StartConnectedCallAsync();
        var agent = new ParticipantId(call.AgentParticipantId);
        using var client = _host.Client();

        using var mute = await client.PostAsync(call.Agent("mute"));
        var muting = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.AgentParticipantId);
        await _host.FactAsync(call.Id, at => new ConfirmLegMuted(agent, at));
        var muted = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.AgentParticipantId);
        using var unmute = await client.PostAsync(call.Agent("unmute"));
        await _host.FactAsync(call.Id, at => new ConfirmLegUnmuted(agent, at));
        var unmuted = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.AgentParticipantId);

        mute.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        unmute.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        muting.GetProperty("muted").GetBoolean().ShouldBeFalse();
        muting.GetProperty("pending")[0].GetProperty("command").GetString().ShouldBe("mute");
        muted.GetProperty("muted").GetBoolean().ShouldBeTrue();
        unmuted.GetProperty("muted").GetBoolean().ShouldBeFalse();
    }

    [Theory]
    [InlineData("hold")]
    [InlineData("resume")]
    [InlineData("mute")]
    [InlineData("unmute")]
    [InlineData("digits")]
    [InlineData("transfer")]
    public async Task ACommandOnADialingParticipantIs409NamingTheDialingState(string action)
    {
        var call = await _host.StartDialingCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        var body = ApiEndpoints.Named($"POST conversation participant {action}").Body;
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent(action), body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-state");
        problem.GetProperty("detail").GetString().ShouldBe($"participant {call.AgentParticipantId} is dialing");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task HoldingAnAlertingParticipantIs409NamingTheAlertingState()
    {
        var call = await _host.StartInboundOfferAsync();
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var offer = await client.PostAsync(call.Agent("hold"));
        using var caller = await client.PostAsync(call.Customer("hold"));

        (await offer.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-state"))
            .GetProperty("detail").GetString().ShouldBe($"participant {call.AgentParticipantId} is alerting");
        (await caller.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-state"))
            .GetProperty("detail").GetString().ShouldBe($"participant {call.CustomerParticipantId} is alerting");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommandAnswers404ForAConversationThatDoesNotExist(string name)
    {
        var endpoint = ApiEndpoints.Named(name);
        var call = await _host.StartConnectedCallAsync();
        var unknown = call with { Id = Guid.CreateVersion7().ToString() };
        using var client = _host.Client();

        using var response = await client.PostAsync(endpoint.Path(unknown), endpoint.Body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        problem.GetProperty("detail").GetString()!.ShouldContain(unknown.Id);
        (await _host.CountEventsAsync(unknown.Id)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(ParticipantCommands))]
    public async Task EveryParticipantCommandAnswers404ForAParticipantThatDoesNotExist(string name)
    {
        var endpoint = ApiEndpoints.Named(name);
        var call = await _host.StartConnectedCallAsync();
        var stranger = call with { CustomerParticipantId = Guid.CreateVersion7().ToString() };
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync(endpoint.Path(stranger), endpoint.Body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
        problem.GetProperty("detail").GetString()!.ShouldContain(stranger.CustomerParticipantId);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommandAnswers412VersionMismatchWhenIfMatchIsStale(string name)
    {
        var endpoint = ApiEndpoints.Named(name);
        var call = await _host.StartConnectedCallAsync();
        var version = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync(endpoint.Path(call), endpoint.Body, ifMatch: HttpExchange.Quoted(version - 1));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed, "version-mismatch");
        problem.GetProperty("detail").GetString()!.ShouldSatisfyAllConditions(
            detail => detail.ShouldContain((version - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            detail => detail.ShouldContain(version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        (await _host.CountEventsAsync(call.Id)).ShouldBe(version);
    }

    [Fact]
    public async Task HoldWithIfMatchOfTheETagAnswers202()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        using var read = await client.GetAsync(call.Path);

        using var response = await client.PostAsync(call.Customer("hold"), ifMatch: read.Headers.ETag!.ToString());

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("\"five\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"\"")]
    public async Task AnIfMatchThatIsNotAQuotedVersionIs400NamingIfMatch(string ifMatch)
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Customer("hold"), ifMatch: ifMatch);

        await response.ShouldBeValidationProblemAsync("If-Match");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task EveryCommandAnswers400NamingTheHeaderForMalformedCommandHeaders(string name)
    {
        var endpoint = ApiEndpoints.Named(name);
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var ifMatch = await client.PostAsync(endpoint.Path(call), endpoint.Body, ifMatch: "latest");
        using var key = await client.PostAsync(endpoint.Path(call), endpoint.Body, idempotencyKey: new string('k', 256));
        using var prefer = await client.PostAsync(endpoint.Path(call), endpoint.Body, prefer: "wait=later");

        await ifMatch.ShouldBeValidationProblemAsync("If-Match");
        await key.ShouldBeValidationProblemAsync("Idempotency-Key");
        await prefer.ShouldBeValidationProblemAsync("Prefer");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task AcceptingAnOfferAnswers202AndTheAgentConnectsWhenTheStationAnswers()
    {
        var call = await _host.StartInboundOfferAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent("accept"));
        var accepting = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.AgentParticipantId);
        await _host.FactAsync(call.Id, at => new ConfirmLegAnswered(new ParticipantId(call.AgentParticipantId), at));
        await _host.FactAsync(call.Id, at => new ConfirmLegAnswered(new ParticipantId(call.CustomerParticipantId), at));
        var conversation = await _host.GetConversationAsync(call.Id);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        accepting.GetProperty("pending")[0].GetProperty("command").GetString().ShouldBe("accept");
        conversation.GetProperty("direction").GetString().ShouldBe("inbound");
        conversation.GetProperty("state").GetString().ShouldBe("connected");
        conversation.ParticipantWithId(call.AgentParticipantId).GetProperty("state").GetString().ShouldBe("connected");
    }

    [Fact]
    public async Task AcceptingAParticipantThatIsNotAnOfferIs409()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent("accept"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-state");
        problem.GetProperty("detail").GetString()!.ShouldContain(call.AgentParticipantId);
    }

    [Theory]
    [InlineData(null, "decline")]
    [InlineData("""{}""", "decline")]
    [InlineData("""{"reason":"busy"}""", "busy")]
    public async Task RejectingAnOfferDisconnectsTheAgentWithTheReason(string? body, string reason)
    {
        var call = await _host.StartInboundOfferAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent("reject"), body);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var agent = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.AgentParticipantId);
        agent.GetProperty("state").GetString().ShouldBe("disconnected");
        agent.GetProperty("disconnectReason").GetString().ShouldBe(reason);
    }

    [Fact]
    public async Task RejectingAnOfferWithAnUnknownReasonIs400NamingReason()
    {
        var call = await _host.StartInboundOfferAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent("reject"), """{"reason":"Busy"}""");

        await response.ShouldBeValidationProblemAsync("reason");
    }

    [Fact]
    public async Task RejectingAnOfferTheAgentAlreadyAnsweredIs409NamingTheConnectedState()
    {
        var call = await _host.StartInboundOfferAsync();
        using var client = _host.Client();
        using var accept = await client.PostAsync(call.Agent("accept"));
        await _host.FactAsync(call.Id, at => new ConfirmLegAnswered(new ParticipantId(call.AgentParticipantId), at));

        using var response = await client.PostAsync(call.Agent("reject"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-state");
        problem.GetProperty("detail").GetString().ShouldBe($"participant {call.AgentParticipantId} is connected");
    }

    [Fact]
    public async Task BlindTransferAnswers202AndDialsTheTargetAsAnExternalParticipant()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent("transfer"), """{"to":"sip:carol@203.0.113.5","kind":"blind"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var conversation = await _host.GetConversationAsync(call.Id);
        var target = conversation.ParticipantWithRole("external");
        target.GetProperty("address").GetString().ShouldBe("sip:carol@203.0.113.5");
        target.GetProperty("state").GetString().ShouldBe("dialing");
        conversation.GetProperty("transfer").GetProperty("kind").GetString().ShouldBe("blind");
        conversation.GetProperty("transfer").GetProperty("transferringParticipantId").GetString().ShouldBe(call.AgentParticipantId);
    }

    [Theory]
    [InlineData("""{"kind":"blind"}""", "to")]
    [InlineData("""{"to":"12","kind":"blind"}""", "to")]
    [InlineData("""{"to":"+15557654321"}""", "kind")]
    [InlineData("""{"to":"+15557654321","kind":"sideways"}""", "kind")]
    [InlineData("""{"to":"+15557654321","kind":0}""", "kind")]
    public async Task TransferAnswers400NamingTheInvalidField(string body, string field)
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent("transfer"), body);

        await response.ShouldBeValidationProblemAsync(field);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task CompletingAConsultTransferAnswers202ResumesTheCustomerAndEndsTheAgent()
    {
        var (call, target) = await StartConsultAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent("transfer/complete"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var conversation = await _host.GetConversationAsync(call.Id);
        conversation.GetProperty("transfer").GetProperty("phase").GetString().ShouldBe("completing");
        conversation.ParticipantWithId(call.CustomerParticipantId).GetProperty("pending").EnumerateArray()
            .Select(p => p.GetProperty("command").GetString()).ShouldContain("resume");
        conversation.ParticipantWithId(call.AgentParticipantId).GetProperty("pending").EnumerateArray()
            .Select(p => p.GetProperty("command").GetString()).ShouldContain("end");
        conversation.ParticipantWithId(target).GetProperty("state").GetString().ShouldBe("connected");
    }

    [Fact]
    public async Task CancellingAConsultTransferAnswers202EndsTheTargetAndResumesTheCustomer()
    {
        var (call, target) = await StartConsultAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent("transfer/cancel"));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var conversation = await _host.GetConversationAsync(call.Id);
        conversation.GetProperty("transfer").GetProperty("phase").GetString().ShouldBe("cancelling");
        conversation.ParticipantWithId(target).GetProperty("pending").EnumerateArray()
            .Select(p => p.GetProperty("command").GetString()).ShouldContain("end");
        conversation.ParticipantWithId(call.CustomerParticipantId).GetProperty("pending").EnumerateArray()
            .Select(p => p.GetProperty("command").GetString()).ShouldContain("resume");
    }

    [Theory]
    [InlineData("transfer/complete")]
    [InlineData("transfer/cancel")]
    public async Task FinishingAConsultThatWasNeverStartedIs409(string action)
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Agent(action));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-state");
        problem.GetProperty("detail").GetString().ShouldBe($"participant {call.AgentParticipantId} has no consult transfer in progress");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task DigitsAnswer202AndAreSentAsRequested()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Customer("digits"), """{"digits":"0123456789*#ABCD"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var stored = (await _host.ReadStreamAsync(call.Id))[^1];
        stored.Type.ShouldBe("DigitsSendRequested");
        JsonDocument.Parse(stored.Data).RootElement.GetProperty("digits").GetString().ShouldBe("0123456789*#ABCD");
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"digits":""}""")]
    [InlineData("""{"digits":"12a"}""")]
    [InlineData("""{"digits":"1 2"}""")]
    [InlineData("""{"digits":"E"}""")]
    [InlineData("""{"digits":"123456789012345678901234567890123"}""")]
    public async Task DigitsOutside0To9StarHashAToDOrLongerThan32Are400NamingDigits(string body)
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Customer("digits"), body);

        await response.ShouldBeValidationProblemAsync("digits");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task EndingAParticipantAnswers202AndTheReasonGivenIsRecordedWhenTheLegGoes()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Customer("end"), """{"reason":"general-error"}""");
        var ending = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.CustomerParticipantId);
        await _host.FactAsync(call.Id, at => new ReportLegEnded(
            new ParticipantId(call.CustomerParticipantId), DisconnectReason.Success, 200, Initiator.System, at));
        var ended = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.CustomerParticipantId);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        ending.GetProperty("state").GetString().ShouldBe("connected");
        ending.GetProperty("pending")[0].GetProperty("command").GetString().ShouldBe("end");
        ended.GetProperty("state").GetString().ShouldBe("disconnected");
        ended.GetProperty("disconnectReason").GetString().ShouldBe("general-error");
        ended.GetProperty("initiator").GetString().ShouldBe("agent");
        ended.TryGetProperty("endedAt", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task EndingAParticipantWithAnUnknownReasonIs400NamingReason()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Customer("end"), """{"reason":"hung-up"}""");

        await response.ShouldBeValidationProblemAsync("reason");
    }

    [Fact]
    public async Task EndingTheConversationEndsEveryoneAndLaterCommandsAre409ConversationIsEnded()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync($"{call.Path}/end");
        var ending = await _host.GetConversationAsync(call.Id);
        await _host.FactAsync(call.Id, at => new ReportLegEnded(new ParticipantId(call.CustomerParticipantId), DisconnectReason.Success, 200, Initiator.System, at));
        await _host.FactAsync(call.Id, at => new ReportLegEnded(new ParticipantId(call.AgentParticipantId), DisconnectReason.Success, 200, Initiator.System, at));
        var ended = await _host.GetConversationAsync(call.Id);
        using var hold = await client.PostAsync(call.Customer("hold"));
        using var endAgain = await client.PostAsync($"{call.Path}/end");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        ending.GetProperty("participants").EnumerateArray()
            .Select(p => p.GetProperty("pending")[0].GetProperty("command").GetString()).ShouldBe(["end", "end"]);
        ended.GetProperty("state").GetString().ShouldBe("ended");
        ended.TryGetProperty("endedAt", out _).ShouldBeTrue();
        (await hold.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-state")).GetProperty("detail").GetString().ShouldBe("conversation is ended");
        endAgain.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await endAgain.ReadJsonAsync()).GetProperty("state").GetString().ShouldBe("ended");
    }

    [Fact]
    public async Task RecordingAnswers202AndIsOnOnceTheMediaLayerStartsIt()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var response = await client.PostAsync($"{call.Path}/recording", """{"enabled":true}""");
        var pending = (await _host.GetConversationAsync(call.Id)).GetProperty("recording");
        await _host.FactAsync(call.Id, at => new ConfirmRecordingStarted("/recordings/call.wav", at));
        var started = (await _host.GetConversationAsync(call.Id)).GetProperty("recording");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        pending.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        pending.GetProperty("pending").GetBoolean().ShouldBeTrue();
        started.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        started.GetProperty("path").GetString().ShouldBe("/recordings/call.wav");
        started.GetProperty("pending").GetBoolean().ShouldBeFalse();
    }

    [Theory]
    [InlineData("""{}""", "enabled")]
    [InlineData("""{"enabled":null}""", "enabled")]
    [InlineData(null, "body")]
    public async Task RecordingWithoutEnabledIs400(string? body, string field)
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync($"{call.Path}/recording", body);

        await response.ShouldBeValidationProblemAsync(field);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    /// <summary>A connected call whose agent consults a target that answered; the customer waits on hold.</summary>
    private async Task<(Call Call, string Target)> StartConsultAsync()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        using var transfer = await client.PostAsync(call.Agent("transfer"), """{"to":"+15557654321","kind":"consult"}""");
        transfer.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var target = (await _host.GetConversationAsync(call.Id)).ParticipantWithRole("external").GetProperty("id").GetString()!;
        await _host.FactAsync(call.Id, at => new ConfirmLegHeld(new ParticipantId(call.CustomerParticipantId), at));
        await _host.FactAsync(call.Id, at => new ConfirmLegAnswered(new ParticipantId(target), at));
        return (call, target);
    }
}
