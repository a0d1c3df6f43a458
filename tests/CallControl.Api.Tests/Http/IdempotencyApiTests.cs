using System.Net;
using CallControl.Domain.Conversations;
using CallControl.Testing;
using static CallControl.Domain.Conversations.ConversationCommand;

namespace CallControl.Api.Tests.Http;

/// <summary><c>Idempotency-Key</c> replays and conflicts, and commands that change nothing.</summary>
public sealed class IdempotencyApiTests : IClassFixture<ApiHost>
{
    private readonly ApiHost _host;

    public IdempotencyApiTests(ApiHost host) => _host = host;

    [Fact]
    public async Task HoldRepeatedWithItsIdempotencyKeyReturnsTheIdenticalResponseAndAppendsNothing()
    {
        var call = await _host.StartConnectedCallAsync();
        var key = NewKey();
        using var client = _host.Client();
        using var first = await client.PostAsync(call.Customer("hold"), """{"music":true}""", idempotencyKey: key);
        var afterFirst = await _host.CountEventsAsync(call.Id);

        using var repeat = await client.PostAsync(call.Customer("hold"), """{"music":true}""", idempotencyKey: key);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await ShouldBeIdenticalAsync(repeat, first);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(afterFirst);
    }

    [Fact]
    public async Task StartConversationRepeatedWithItsIdempotencyKeyReturnsTheSame201AndStartsOneConversation()
    {
        var agentId = await _host.PutAgentAsync();
        var body = $$"""{"agentId":"{{agentId}}","to":"+15551234567"}""";
        var key = NewKey();
        using var client = _host.Client();
        using var first = await client.PostAsync("/api/v1/conversations", body, idempotencyKey: key);
        var afterFirst = await _host.CountEventsAsync();

        using var repeat = await client.PostAsync("/api/v1/conversations", body, idempotencyKey: key);
        using var list = await client.GetAsync($"/api/v1/conversations?agentId={agentId}");

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        await ShouldBeIdenticalAsync(repeat, first);
        (await _host.CountEventsAsync()).ShouldBe(afterFirst);
        (await list.ReadJsonAsync()).GetProperty("items").GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task TheSameKeyWithAnotherBodyIs422IdempotencyConflictAndActsNot()
    {
        var call = await _host.StartConnectedCallAsync();
        var key = NewKey();
        using var client = _host.Client();
        using var first = await client.PostAsync(call.Customer("hold"), """{"music":true}""", idempotencyKey: key);
        var afterFirst = await _host.CountEventsAsync(call.Id);

        using var other = await client.PostAsync(call.Customer("hold"), """{"music":false}""", idempotencyKey: key);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var problem = await other.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-conflict");
        problem.GetProperty("detail").GetString()!.ShouldContain(key);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(afterFirst);
    }

    [Fact]
    public async Task TheSameKeyOnAnotherCommandIs422IdempotencyConflictAndActsNot()
    {
        var call = await _host.StartConnectedCallAsync();
        var key = NewKey();
        using var client = _host.Client();
        using var first = await client.PostAsync(call.Customer("hold"), idempotencyKey: key);
        var afterFirst = await _host.CountEventsAsync(call.Id);

        using var mute = await client.PostAsync(call.Customer("mute"), idempotencyKey: key);
        using var onAgent = await client.PostAsync(call.Agent("hold"), idempotencyKey: key);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await mute.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-conflict");
        await onAgent.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-conflict");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(afterFirst);
    }

    [Fact]
    public async Task ConcurrentRepeatsOfOneKeyActOnceAndAllGetTheSameAnswer()
    {
        var call = await _host.StartConnectedCallAsync();
        var before = await _host.CountEventsAsync(call.Id);
        var key = NewKey();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var client = _host.Client();
            using var response = await client.PostAsync(call.Customer("mute"), idempotencyKey: key);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }));

        answers.Distinct().ShouldHaveSingleItem().ShouldStartWith("202 ");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before + 1);
    }

    [Fact]
    public async Task AKeyBelongsToItsTenantSoAnotherTenantsRequestIsNotAnsweredFromIt()
    {
        var call = await _host.StartConnectedCallAsync();
        var key = NewKey();
        using var t1 = _host.Client();
        using var t2 = _host.Client(ApiHost.OtherTenantKey);
        using var first = await t1.PostAsync(call.Customer("hold"), idempotencyKey: key);

        using var other = await t2.PostAsync(call.Customer("hold"), idempotencyKey: key);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await other.ShouldBeProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task AnIdempotencyKeyOf255CharactersIsAcceptedAndOf256Is400()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();

        using var longest = await client.PostAsync(call.Customer("hold"), idempotencyKey: new string('k', 255));
        var afterLongest = await _host.CountEventsAsync(call.Id);
        using var tooLong = await client.PostAsync(call.Customer("mute"), idempotencyKey: new string('k', 256));

        longest.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await tooLong.ShouldBeValidationProblemAsync("Idempotency-Key");
        (await _host.CountEventsAsync(call.Id)).ShouldBe(afterLongest);
    }

    [Fact]
    public async Task HoldingAHeldParticipantAnswers200WithTheConversationAndAppendsNothing()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        using var hold = await client.PostAsync(call.Customer("hold"));
        await _host.FactAsync(call.Id, at => new ConfirmLegHeld(new ParticipantId(call.CustomerParticipantId), at));
        var before = await _host.CountEventsAsync(call.Id);
        using var read = await client.GetAsync(call.Path);

        using var repeat = await client.PostAsync(call.Customer("hold"));

        repeat.StatusCode.ShouldBe(HttpStatusCode.OK);
        repeat.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var conversation = await repeat.ReadJsonAsync();
        conversation.GetProperty("version").GetInt64().ShouldBe(before);
        conversation.ParticipantWithId(call.CustomerParticipantId).GetProperty("held").GetBoolean().ShouldBeTrue();
        conversation.GetRawText().ShouldBe((await read.ReadJsonAsync()).GetRawText());
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Theory]
    [InlineData("hold", "hold")]
    [InlineData("mute", "mute")]
    [InlineData("resume", null)]
    [InlineData("unmute", null)]
    public async Task RepeatingAChangeThatIsStillPendingOrAlreadyTheCaseAnswers200AndAppendsNothing(string action, string? firstAction)
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        if (firstAction is not null)
        {
            using var first = await client.PostAsync(call.Customer(firstAction));
            first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        var before = await _host.CountEventsAsync(call.Id);

        using var repeat = await client.PostAsync(call.Customer(action));

        repeat.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await repeat.ReadJsonAsync()).GetProperty("version").GetInt64().ShouldBe(before);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task RecordingAlreadyRequestedAnswers200AndAppendsNothing()
    {
        var call = await _host.StartConnectedCallAsync();
        using var client = _host.Client();
        using var first = await client.PostAsync($"{call.Path}/recording", """{"enabled":true}""");
        var before = await _host.CountEventsAsync(call.Id);

        using var repeat = await client.PostAsync($"{call.Path}/recording", """{"enabled":true}""");

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        repeat.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task ANoOpAnsweredUnderAKeyIsReplayedAsThatSame200()
    {
        var call = await _host.StartConnectedCallAsync();
        var key = NewKey();
        using var client = _host.Client();
        using var first = await client.PostAsync(call.Customer("resume"), idempotencyKey: key);
        using var hold = await client.PostAsync(call.Customer("hold"));
        var afterHold = await _host.CountEventsAsync(call.Id);

        using var repeat = await client.PostAsync(call.Customer("resume"), idempotencyKey: key);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        hold.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await ShouldBeIdenticalAsync(repeat, first);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(afterHold);
    }

    [Fact]
    public async Task ARepeatOfARefusedCommandReturnsTheFirst409AndDoesNotActLater()
    {
        var call = await _host.StartCallWithCustomerDialingAsync();
        var key = NewKey();
        using var client = _host.Client();
        using var first = await client.PostAsync(call.Customer("hold"), idempotencyKey: key);
        await _host.FactAsync(call.Id, at => new ConfirmLegAnswered(new ParticipantId(call.CustomerParticipantId), at));
        var before = await _host.CountEventsAsync(call.Id);

        using var repeat = await client.PostAsync(call.Customer("hold"), idempotencyKey: key);

        first.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await ShouldBeIdenticalAsync(repeat, first);
        (await _host.CountEventsAsync(call.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task ARepeatOfAWaitedCommandReturnsTheFirst200()
    {
        var call = await _host.StartConnectedCallAsync();
        var key = NewKey();
        using var client = _host.Client();
        var media = _host.ReportWhenPendingAsync(call.Id, call.CustomerParticipantId, "hold", TimeSpan.FromMilliseconds(300),
            at => new ConfirmLegHeld(new ParticipantId(call.CustomerParticipantId), at));
        using var first = await client.PostAsync(call.Customer("hold"), idempotencyKey: key, prefer: "wait=5");
        await media;

        using var repeat = await client.PostAsync(call.Customer("hold"), idempotencyKey: key, prefer: "wait=5");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeIdenticalAsync(repeat, first);
    }

    private static string NewKey() => "key-" + Guid.NewGuid().ToString("N");

    private static async Task ShouldBeIdenticalAsync(HttpResponseMessage repeat, HttpResponseMessage first)
    {
        repeat.StatusCode.ShouldBe(first.StatusCode);
        repeat.Headers.Location.ShouldBe(first.Headers.Location);
        repeat.Content.Headers.ContentType?.MediaType.ShouldBe(first.Content.Headers.ContentType?.MediaType);
        (await repeat.Content.ReadAsByteArrayAsync()).ShouldBe(await first.Content.ReadAsByteArrayAsync());
    }
}
