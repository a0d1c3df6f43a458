using CallControl.Domain.Conversations;
using CallControl.Domain.Media;
using CallControl.Media.Consumers;

namespace CallControl.Media.Tests.Consumers;

public sealed class MediaWorkerOnBusTests
{
    [Fact]
    public async Task APlacedLegAlertsAnswersHoldsResumesAndEndsWithTheHangUpsInitiator()
    {
        await using var worker = await WorkerOnBus.StartAsync();
        var callee = await worker.CalleeAsync("uas-hold-resume.xml");
        var leg = Guid.CreateVersion7().ToString();

        await worker.SendAsync(Place(worker, leg, callee));
        var alerting = await worker.WaitForAsync<LegAlerting>(f => f.LegId == leg);
        var answered = await worker.WaitForAsync<LegAnswered>(f => f.LegId == leg);
        await worker.SendAsync(new HoldLeg(worker.TenantId, worker.ConversationId, leg, NewId(), Music: true, DateTimeOffset.UtcNow));
        await worker.WaitForAsync<LegHeld>(f => f.LegId == leg);
        await worker.SendAsync(new ResumeLeg(worker.TenantId, worker.ConversationId, leg, NewId(), DateTimeOffset.UtcNow));
        await worker.WaitForAsync<LegResumed>(f => f.LegId == leg);
        await worker.SendAsync(new HangUpLeg(worker.TenantId, worker.ConversationId, leg, NewId(), DisconnectReason.Success, Initiator.Agent, DateTimeOffset.UtcNow));
        var ended = await worker.WaitForAsync<LegEnded>(f => f.LegId == leg);

        (alerting.TenantId, alerting.ConversationId, alerting.WorkerId).ShouldBe((worker.TenantId, worker.ConversationId, worker.WorkerId));
        answered.ConversationId.ShouldBe(worker.ConversationId);
        ended.Initiator.ShouldBe(Initiator.Agent);
        ended.Reason.ShouldBe(DisconnectReason.Success);
        ended.TenantId.ShouldBe(worker.TenantId);
        worker.Facts.Seen.OfType<LegCommandFailed>().ShouldBeEmpty();
        await worker.ShouldAllPeersHaveSucceededAsync();
    }

    [Fact]
    public async Task AFarEndHangingUpIsReportedAsTheLegsParty()
    {
        await using var worker = await WorkerOnBus.StartAsync();
        var callee = await worker.CalleeAsync("uas-hangs-up.xml");
        var leg = Guid.CreateVersion7().ToString();

        await worker.SendAsync(Place(worker, leg, callee, party: Initiator.Customer));
        var ended = await worker.WaitForAsync<LegEnded>(f => f.LegId == leg);

        ended.Initiator.ShouldBe(Initiator.Customer);
        ended.Reason.ShouldBe(DisconnectReason.Success);
        ended.ConversationId.ShouldBe(worker.ConversationId);
        await worker.ShouldAllPeersHaveSucceededAsync();
    }

    [Fact]
    public async Task AnInboundCallIsOfferedThenRungWithRingbackAndAnswered()
    {
        await using var worker = await WorkerOnBus.StartAsync();
        worker.StartPeer("uac-ringback.xml", "-s", "+4930123456");

        var offered = await worker.WaitForAsync<InboundCallReceived>();
        offered.WorkerId.ShouldBe(worker.WorkerId);
        offered.To.ShouldBe("+4930123456");
        offered.CallerIdName.ShouldBe("Jane Caller");
        offered.From.ShouldStartWith("sip:jane@127.0.0.1");
        Guid.Parse(offered.LegId).Version.ShouldBe(7);
        Guid.Parse(offered.ConversationId).Version.ShouldBe(7);

        await worker.SendAsync(new RingLeg(worker.TenantId, offered.ConversationId, offered.LegId, NewId(), Ringback: true, Initiator.Customer, DateTimeOffset.UtcNow));
        await worker.SendAsync(new AnswerLeg(worker.TenantId, offered.ConversationId, offered.LegId, NewId(), DateTimeOffset.UtcNow));
        var answered = await worker.WaitForAsync<LegAnswered>(f => f.LegId == offered.LegId);
        await worker.SendAsync(new HangUpLeg(worker.TenantId, offered.ConversationId, offered.LegId, NewId(), DisconnectReason.Success, Initiator.Agent, DateTimeOffset.UtcNow));
        var ended = await worker.WaitForAsync<LegEnded>(f => f.LegId == offered.LegId);

        (answered.TenantId, answered.ConversationId).ShouldBe((worker.TenantId, offered.ConversationId));
        ended.Initiator.ShouldBe(Initiator.Agent);
        // SIPp fails its run unless the 183 with the worker's SDP came before the 200.
        await worker.ShouldAllPeersHaveSucceededAsync();
    }

    [Fact]
    public async Task AnInboundCallNobodyRoutesIsDeclinedAfterTheRoutingTimeout()
    {
        await using var worker = await WorkerOnBus.StartAsync(new Dictionary<string, string?> { ["Media:InboundRoutingTimeoutSeconds"] = "1" });
        var caller = worker.StartPeer("uac-ringback.xml");

        var offered = await worker.WaitForAsync<InboundCallReceived>();
        var ended = await worker.WaitForAsync<LegEnded>(f => f.LegId == offered.LegId);

        ended.SipStatus.ShouldBe(480);
        ended.TenantId.ShouldBe("");
        var result = await caller.WaitAsync(TimeSpan.FromSeconds(20));
        result.Succeeded.ShouldBeFalse("the caller expected a 183 and got 480");
        result.ToString().ShouldContain("480");
    }

    [Fact]
    public async Task AnAutoAnswerCallAsksTheDeskPhoneToAnswerAndShowsTheCallerIdName()
    {
        await using var worker = await WorkerOnBus.StartAsync();
        var callee = await worker.CalleeAsync("uas-auto-answer.xml");
        var leg = Guid.CreateVersion7().ToString();

        await worker.SendAsync(Place(worker, leg, callee) with { From = "sip:4000@example.com", CallerIdName = "Queue Sales", AutoAnswer = true });
        await worker.WaitForAsync<LegAnswered>(f => f.LegId == leg);
        await worker.SendAsync(new HangUpLeg(worker.TenantId, worker.ConversationId, leg, NewId(), DisconnectReason.Success, Initiator.Agent, DateTimeOffset.UtcNow));
        await worker.WaitForAsync<LegEnded>(f => f.LegId == leg);

        // SIPp's regexp checks on Call-Info, Alert-Info and From fail its run when a header is missing or wrong.
        await worker.ShouldAllPeersHaveSucceededAsync();
    }

    [Fact]
    public async Task ACommandSentTwiceWithOneCommandIdIsCarriedOutOnce()
    {
        await using var worker = await WorkerOnBus.StartAsync();
        var callee = await worker.CalleeAsync("uas-auto-answer.xml");
        var leg = Guid.CreateVersion7().ToString();
        var place = Place(worker, leg, callee) with { From = "4000", CallerIdName = "Queue Sales", AutoAnswer = true };

        await worker.SendAsync(place);
        await worker.SendAsync(place with { CommandId = NewId() });
        await worker.WaitForAsync<LegAnswered>(f => f.LegId == leg);
        var mute = new MuteLeg(worker.TenantId, worker.ConversationId, leg, NewId(), DateTimeOffset.UtcNow);
        await worker.SendAsync(mute);
        await worker.SendAsync(mute);
        // Commands are carried out in order: once this one's fact is out, both mutes were consumed.
        await worker.SendAsync(new UnmuteLeg(worker.TenantId, worker.ConversationId, leg, NewId(), DateTimeOffset.UtcNow));
        await worker.WaitForAsync<LegUnmuted>(f => f.LegId == leg);

        worker.Facts.Seen.OfType<LegMuted>().Count(f => f.LegId == leg).ShouldBe(1);
        worker.Facts.Seen.OfType<LegAnswered>().Count(f => f.LegId == leg).ShouldBe(1);
        worker.Facts.Seen.OfType<LegCommandFailed>().ShouldBeEmpty();
        await worker.SendAsync(new HangUpLeg(worker.TenantId, worker.ConversationId, leg, NewId(), DisconnectReason.Success, Initiator.Agent, DateTimeOffset.UtcNow));
        await worker.WaitForAsync<LegEnded>(f => f.LegId == leg);
        await worker.ShouldAllPeersHaveSucceededAsync();
    }

    [Fact]
    public async Task ACommandForALegNeverKnownIsAnsweredWithItsEndGoneBySystem()
    {
        await using var worker = await WorkerOnBus.StartAsync();
        var leg = Guid.CreateVersion7().ToString();

        await worker.SendAsync(new HoldLeg(worker.TenantId, worker.ConversationId, leg, NewId(), Music: true, DateTimeOffset.UtcNow));
        var ended = await worker.WaitForAsync<LegEnded>(f => f.LegId == leg);

        ended.Reason.ShouldBe(DisconnectReason.Gone);
        ended.SipStatus.ShouldBeNull();
        ended.Initiator.ShouldBe(Initiator.System);
        (ended.TenantId, ended.ConversationId, ended.WorkerId).ShouldBe((worker.TenantId, worker.ConversationId, worker.WorkerId));
    }

    [Fact]
    public async Task ACommandForALegThatEndedIsAnsweredWithItsEndAgain()
    {
        await using var worker = await WorkerOnBus.StartAsync();
        var callee = await worker.CalleeAsync("uas-hangs-up.xml");
        var leg = Guid.CreateVersion7().ToString();
        await worker.SendAsync(Place(worker, leg, callee, party: Initiator.Customer));
        var ended = await worker.WaitForAsync<LegEnded>(f => f.LegId == leg);

        await worker.SendAsync(new MuteLeg(worker.TenantId, worker.ConversationId, leg, NewId(), DateTimeOffset.UtcNow));
        await worker.WaitForAsync<LegEnded>(f => f.LegId == leg && !ReferenceEquals(f, ended));

        worker.Facts.Seen.OfType<LegEnded>().Where(f => f.LegId == leg).ShouldAllBe(f => f == ended);
        worker.Facts.Seen.OfType<LegMuted>().ShouldBeEmpty();
    }

    [Fact]
    public async Task APlaceThatWaitedTooLongFailsInsteadOfCalling()
    {
        await using var worker = await WorkerOnBus.StartAsync();
        var leg = Guid.CreateVersion7().ToString();

        await worker.SendAsync(Place(worker, leg, "sip:nobody@127.0.0.1:9") with { RequestedAt = DateTimeOffset.UtcNow.AddMinutes(-2) });
        var failed = await worker.WaitForAsync<LegCommandFailed>(f => f.LegId == leg);

        failed.Command.ShouldBe(MediaOperation.Place);
        failed.SipStatus.ShouldBeNull();
        worker.Facts.Seen.OfType<LegAlerting>().ShouldBeEmpty();
    }

    [Fact]
    public async Task TheWorkerSendsHeartbeatsNamingItsSipAddress()
    {
        await using var worker = await WorkerOnBus.StartAsync(new Dictionary<string, string?> { ["Media:HeartbeatIntervalSeconds"] = "1" });

        var first = await worker.WaitForAsync<MediaWorkerHeartbeat>();
        var second = await worker.WaitForAsync<MediaWorkerHeartbeat>(h => h.OccurredAt > first.OccurredAt);

        first.WorkerId.ShouldBe(worker.WorkerId);
        first.SipAddress.ShouldBe($"127.0.0.1:{worker.SipPort}");
        first.ActiveLegs.ShouldBe(0);
        second.StartedAt.ShouldBe(first.StartedAt);
    }

    [Theory]
    [InlineData("call-1.wav", true)]
    [InlineData("../call-1.wav", false)]
    [InlineData("calls/call-1.wav", false)]
    [InlineData("calls\\call-1.wav", false)]
    [InlineData("..", false)]
    [InlineData("", false)]
    public void ARecordingIsNamedByAPlainFileName(string name, bool plain) =>
        MediaCommandConsumer.IsPlainFileName(name).ShouldBe(plain);

    [Theory]
    [InlineData(null, true, null)]
    [InlineData("sip:4000@pbx.example.com", true, "4000")]
    [InlineData("+15551234567", true, "+15551234567")]
    [InlineData("tel:+15551234567", true, "+15551234567")]
    [InlineData("sip:a b@x", false, null)]
    [InlineData("sip:alice\r\nVia: x@host", false, null)]
    public void TheFromOfAPlacedLegIsAUserOrANumber(string? from, bool valid, string? user)
    {
        MediaCommandConsumer.TryFromUser(from, out var parsed).ShouldBe(valid);
        parsed.ShouldBe(user);
    }

    private static PlaceLeg Place(WorkerOnBus worker, string leg, string target, Initiator party = Initiator.External) =>
        new(worker.TenantId, worker.ConversationId, leg, NewId(), target, From: null, CallerIdName: null, AutoAnswer: false, party, DateTimeOffset.UtcNow);

    private static string NewId() => Guid.NewGuid().ToString();
}
