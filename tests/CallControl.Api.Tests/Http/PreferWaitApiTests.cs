using System.Diagnostics;
using System.Net;
using CallControl.Domain.Conversations;
using CallControl.Testing;
using static CallControl.Domain.Conversations.ConversationCommand;

namespace CallControl.Api.Tests.Http;

/// <summary><c>Prefer: wait=N</c>: the answer waits for the media layer's confirmation, failure, or the time limit.</summary>
public sealed class PreferWaitApiTests : IClassFixture<ApiHost>
{
    private static readonly TimeSpan MediaDelay = TimeSpan.FromMilliseconds(300);

    private readonly ApiHost _host;

    public PreferWaitApiTests(ApiHost host) => _host = host;

    [Fact]
    public async Task HoldWithPreferWaitAnswers200WithTheHeldConversationOnceTheMediaLayerConfirms()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        var media = AnswerPendingAsync(call, "hold", at => new ConfirmLegHeld(new ParticipantId(call.CustomerParticipantId), at));

        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(call.Customer("hold"), prefer: "wait=5");
        var elapsed = Stopwatch.GetElapsedTime(started);
        await media;

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var conversation = await response.ReadJsonAsync();
        conversation.GetProperty("id").GetString().ShouldBe(call.Id);
        conversation.GetProperty("version").GetInt64().ShouldBe(await _host.CountEventsAsync(call.Id));
        var customer = conversation.ParticipantWithId(call.CustomerParticipantId);
        customer.GetProperty("held").GetBoolean().ShouldBeTrue();
        customer.GetProperty("pending").GetArrayLength().ShouldBe(0);
        elapsed.ShouldBeGreaterThanOrEqualTo(MediaDelay - TimeSpan.FromMilliseconds(50));
        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task HoldWithPreferWaitAnswers502MediaFailureWhenTheMediaLayerRefusesTheHold()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        var media = AnswerPendingAsync(call, "hold", at => new ReportLegCommandFailed(
            new ParticipantId(call.CustomerParticipantId), MediaOperation.Hold, 488, "Not Acceptable Here", at));

        using var response = await client.PostAsync(call.Customer("hold"), prefer: "wait=5");
        await media;

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadGateway, "media-failure");
        problem.GetProperty("detail").GetString()!.ShouldSatisfyAllConditions(
            detail => detail.ShouldContain("hold"),
            detail => detail.ShouldContain("488"),
            detail => detail.ShouldContain(call.CustomerParticipantId));
        var customer = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.CustomerParticipantId);
        customer.GetProperty("held").GetBoolean().ShouldBeFalse();
        customer.GetProperty("pending").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task HoldWithPreferWaitAnswers202AfterTheWaitWhenTheMediaLayerStaysSilent()
    {
        var call = await _host.StartConnectedCallAsync();
        var version = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(call.Customer("hold"), prefer: "wait=1");
        var elapsed = Stopwatch.GetElapsedTime(started);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        response.Headers.Location!.ToString().ShouldBe(call.Path);
        var accepted = await response.ReadJsonAsync();
        accepted.GetProperty("conversationId").GetString().ShouldBe(call.Id);
        accepted.GetProperty("version").GetInt64().ShouldBe(version + 1);
        elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        var customer = (await _host.GetConversationAsync(call.Id)).ParticipantWithId(call.CustomerParticipantId);
        customer.GetProperty("held").GetBoolean().ShouldBeFalse();
        customer.GetProperty("pending")[0].GetProperty("command").GetString().ShouldBe("hold");
    }

    [Fact]
    public async Task HoldWithPreferWaitAnswers409WhenTheParticipantHangsUpMeanwhile()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        var media = AnswerPendingAsync(call, "hold", at => new ReportLegEnded(
            new ParticipantId(call.CustomerParticipantId), DisconnectReason.Success, null, Initiator.Customer, at));

        using var response = await client.PostAsync(call.Customer("hold"), prefer: "wait=5");
        await media;

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, "invalid-state");
        problem.GetProperty("detail").GetString()!.ShouldContain("disconnected");
    }

    [Fact]
    public async Task ConsultWithPreferWaitAnswers200OnceTheCustomerIsHeldAndTheTargetAnswers()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        var media = Task.Run(async () =>
        {
            await AnswerPendingAsync(call, "hold", at => new ConfirmLegHeld(new ParticipantId(call.CustomerParticipantId), at));
            var target = await TargetAsync(call.Id);
            await _host.FactAsync(call.Id, at => new ConfirmLegAnswered(new ParticipantId(target), at));
        });

        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(call.Agent("transfer"), """{"to":"+15557654321","kind":"consult"}""", prefer: "wait=5");
        var elapsed = Stopwatch.GetElapsedTime(started);
        await media;

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var conversation = await response.ReadJsonAsync();
        conversation.GetProperty("transfer").GetProperty("phase").GetString().ShouldBe("in-progress");
        conversation.ParticipantWithRole("external").GetProperty("state").GetString().ShouldBe("connected");
        conversation.ParticipantWithId(call.CustomerParticipantId).GetProperty("held").GetBoolean().ShouldBeTrue();
        conversation.ParticipantWithId(call.AgentParticipantId).GetProperty("pending").GetArrayLength().ShouldBe(0);
        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task CompletingAConsultWithPreferWaitAnswers200OnceTheCustomerIsResumedAndTheAgentHasLeft()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        using var consult = await client.PostAsync(call.Agent("transfer"), """{"to":"+15557654321","kind":"consult"}""");
        consult.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var target = await TargetAsync(call.Id);
        await _host.FactAsync(call.Id, at => new ConfirmLegHeld(new ParticipantId(call.CustomerParticipantId), at));
        await _host.FactAsync(call.Id, at => new ConfirmLegAnswered(new ParticipantId(target), at));
        var media = Task.Run(async () =>
        {
            await AnswerPendingAsync(call, "resume", at => new ConfirmLegResumed(new ParticipantId(call.CustomerParticipantId), at));
            await _host.ReportWhenPendingAsync(call.Id, call.AgentParticipantId, "end", TimeSpan.Zero, at => new ReportLegEnded(
                new ParticipantId(call.AgentParticipantId), DisconnectReason.Transfer, null, Initiator.Agent, at));
        });

        using var response = await client.PostAsync(call.Agent("transfer/complete"), prefer: "wait=5");
        await media;

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var conversation = await response.ReadJsonAsync();
        var agent = conversation.ParticipantWithId(call.AgentParticipantId);
        agent.GetProperty("state").GetString().ShouldBe("disconnected");
        agent.GetProperty("disconnectReason").GetString().ShouldBe("transfer");
        conversation.ParticipantWithId(call.CustomerParticipantId).GetProperty("held").GetBoolean().ShouldBeFalse();
        conversation.TryGetProperty("transfer", out _).ShouldBeFalse("the transfer is over");
    }

    [Fact]
    public async Task RecordingWithPreferWaitAnswers200OnceTheRecordingStarted()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        var media = Task.Run(async () =>
        {
            await Task.Delay(MediaDelay);
            await _host.WaitForConversationAsync(call.Id, c => c.GetProperty("recording").GetProperty("pending").GetBoolean());
            await _host.FactAsync(call.Id, at => new ConfirmRecordingStarted("/recordings/wait.wav", at));
        });

        using var response = await client.PostAsync($"{call.Path}/recording", """{"enabled":true}""", prefer: "wait=5");
        await media;

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var recording = (await response.ReadJsonAsync()).GetProperty("recording");
        recording.GetProperty("enabled").GetBoolean().ShouldBeTrue();
        recording.GetProperty("path").GetString().ShouldBe("/recordings/wait.wav");
    }

    [Fact]
    public async Task AnAlreadyHeldParticipantAnswers200AtOnceEvenWithPreferWait()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        using var first = await client.PostAsync(call.Customer("hold"));
        await _host.FactAsync(call.Id, at => new ConfirmLegHeld(new ParticipantId(call.CustomerParticipantId), at));

        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(call.Customer("hold"), prefer: "wait=5");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Stopwatch.GetElapsedTime(started).ShouldBeLessThan(TimeSpan.FromSeconds(2));
        (await response.ReadJsonAsync()).ParticipantWithId(call.CustomerParticipantId).GetProperty("held").GetBoolean().ShouldBeTrue();
    }

    [Theory]
    [InlineData("wait=soon")]
    [InlineData("wait=-1")]
    [InlineData("wait=1.5")]
    public async Task APreferWaitThatIsNotWholeSecondsIs400NamingPrefer(string prefer)
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        using var client = _host.Client();

        using var response = await client.PostAsync(call.Customer("hold"), prefer: prefer);

        await response.ShouldBeValidationProblemAsync("Prefer");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    /// <summary>The consult target's participant id, once the transfer has added it.</summary>
    private async Task<string> TargetAsync(string conversationId)
    {
        await _host.WaitForConversationAsync(conversationId, c => c.GetProperty("participants").EnumerateArray()
            .Any(p => p.GetProperty("role").GetString() == "external"));
        return (await _host.GetConversationAsync(conversationId)).ParticipantWithRole("external").GetProperty("id").GetString()!;
    }

    /// <summary>The customer's <paramref name="pending"/> change answered with <paramref name="fact"/> after <see cref="MediaDelay"/>.</summary>
    private Task AnswerPendingAsync(Call call, string pending, Func<DateTimeOffset, ConversationCommand> fact) =>
        _host.ReportWhenPendingAsync(call.Id, call.CustomerParticipantId, pending, MediaDelay, fact);
}
