using CallControl.Media.Sip.Dialogs;
using CallControl.Media.Sip.Messages;
using static CallControl.Media.Tests.Sip.Dialogs.DialogMessages;

namespace CallControl.Media.Tests.Sip.Dialogs;

public sealed class SessionTimerTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SessionTimerOptions Options = new();

    [Fact]
    public void AnIntervalBelowOurMinimumFromAPeerThatSupportsTimersGets422WithMinSE()
    {
        var invite = Invite().AddHeader(SipHeaderNames.SessionExpires, "60");

        var answer = SessionTimerNegotiation.Answer(invite, Options).ShouldBeOfType<SessionTimerAnswer.IntervalTooSmall>();

        answer.MinSE.ShouldBe(90);
        answer.ApplyTo(SipResponse.Create(invite, 422)).Headers.First("Min-SE")!.Value.ShouldBe("90");
    }

    [Fact]
    public void AnIntervalTooSmallFromAPeerWithoutTimersIsRaisedAndWeRefresh()
    {
        var invite = Invite().RemoveHeader(SipHeaderNames.Supported).AddHeader(SipHeaderNames.SessionExpires, "60");

        var answer = SessionTimerNegotiation.Answer(invite, Options).ShouldBeOfType<SessionTimerAnswer.Accepted>();

        answer.SessionExpires.ShouldBe(new SessionExpires(90, SessionRefresher.Uas));
        answer.RequireTimer.ShouldBeFalse();
        answer.Timer.LocalRefreshes.ShouldBeTrue();
    }

    [Fact]
    public void ThePeersRefresherChoiceIsKeptAndTheResponseRequiresTimer()
    {
        var invite = Invite().AddHeader(SipHeaderNames.SessionExpires, "600;refresher=uac");

        var answer = SessionTimerNegotiation.Answer(invite, Options).ShouldBeOfType<SessionTimerAnswer.Accepted>();
        var ok = answer.ApplyTo(SipResponse.Create(invite, 200));

        answer.SessionExpires.ShouldBe(new SessionExpires(600, SessionRefresher.Uac));
        answer.Timer.LocalRefreshes.ShouldBeFalse();
        ok.Headers.First(SipHeaderNames.SessionExpires)!.Value.ShouldBe("600;refresher=uac");
        ok.GetTokens(SipHeaderNames.Require).ShouldBe(["timer"]);
    }

    [Fact]
    public void ALongerIntervalThanOursIsCutDownAndWeChooseTheRefresherWhenThePeerDidNot()
    {
        var invite = Invite().AddHeader(SipHeaderNames.SessionExpires, "7200");

        var answer = SessionTimerNegotiation.Answer(invite, Options with { PreferLocalRefresh = false })
            .ShouldBeOfType<SessionTimerAnswer.Accepted>();

        answer.SessionExpires.ShouldBe(new SessionExpires(1800, SessionRefresher.Uac));
    }

    [Fact]
    public void WithoutSessionExpiresWeAskForOurIntervalButNeverBelowThePeersMinSE()
    {
        var invite = Invite().AddHeader("Min-SE", "2400");

        var answer = SessionTimerNegotiation.Answer(invite, Options).ShouldBeOfType<SessionTimerAnswer.Accepted>();

        answer.SessionExpires.Seconds.ShouldBe(2400);
        SessionTimerNegotiation.Answer(invite, Options with { RequestWhenAbsent = false }).ShouldBe(SessionTimerAnswer.NoTimer.Instance);
    }

    [Fact]
    public void ATwoHundredNamesTheRefresherRelativeToOurRequest()
    {
        var request = AliceDialog().CreateRequest(SipMethod.Update);

        SessionTimerNegotiation.FromResponse(ToAlice(request, 200, "Session-Expires: 900;refresher=uac"))
            .ShouldBe(new NegotiatedSessionTimer(900, LocalRefreshes: true));
        SessionTimerNegotiation.FromResponse(ToAlice(request, 200, "Session-Expires: 900;refresher=uas"))
            .ShouldBe(new NegotiatedSessionTimer(900, LocalRefreshes: false));
        SessionTimerNegotiation.FromResponse(ToAlice(request, 200, "Session-Expires: 900"))
            .ShouldBe(new NegotiatedSessionTimer(900, LocalRefreshes: true));
        SessionTimerNegotiation.FromResponse(ToAlice(request, 200)).ShouldBeNull();
    }

    [Fact]
    public void After422TheRetryUsesTheLargestMinimum()
    {
        var request = AliceDialog().CreateRequest(SipMethod.Update);

        var (sessionExpires, minSE) = SessionTimerNegotiation.RetryAfterTooSmall(
            ToAlice(request, 422, "Min-SE: 3600"), new SessionExpires(90), previousMinSE: 120);

        sessionExpires.Seconds.ShouldBe(3600);
        minSE.ShouldBe(3600);
    }

    [Fact]
    public void OurRequestsAdvertiseTimerAndCarryTheInterval()
    {
        var request = SessionTimerNegotiation.AddToRequest(
            AliceDialog().CreateRequest(SipMethod.Update), new SessionExpires(1800, SessionRefresher.Uac), minSE: 90);

        request.GetTokens(SipHeaderNames.Supported).ShouldBe(["timer"]);
        request.Headers.First(SipHeaderNames.SessionExpires)!.Value.ShouldBe("1800;refresher=uac");
        request.Headers.First("Min-SE")!.Value.ShouldBe("90");
    }

    [Fact]
    public void TheRefresherRefreshesAtHalfTheIntervalOnce()
    {
        var timer = new SessionTimer(new NegotiatedSessionTimer(1800, LocalRefreshes: true), Start);

        timer.RefreshAt.ShouldBe(Start + TimeSpan.FromSeconds(900));
        timer.Poll(Start + TimeSpan.FromSeconds(899)).ShouldBe(SessionTimerDecision.Nothing);
        timer.Poll(Start + TimeSpan.FromSeconds(900)).ShouldBe(SessionTimerDecision.Refresh);
        timer.Poll(Start + TimeSpan.FromSeconds(901)).ShouldBe(SessionTimerDecision.Nothing);
        timer.NextDueAt.ShouldBe(Start + TimeSpan.FromSeconds(1800));
    }

    [Theory]
    [InlineData(1800, 1768)]
    [InlineData(90, 60)]
    public void TheOtherSideExpiresTheSessionBeforeTheIntervalEnds(int interval, int expiresAfter)
    {
        var timer = new SessionTimer(new NegotiatedSessionTimer(interval, LocalRefreshes: false), Start);

        timer.RefreshAt.ShouldBeNull();
        timer.ExpiresAt.ShouldBe(Start + TimeSpan.FromSeconds(expiresAfter));
        timer.Poll(Start + TimeSpan.FromSeconds(expiresAfter - 1)).ShouldBe(SessionTimerDecision.Nothing);
        timer.Poll(Start + TimeSpan.FromSeconds(expiresAfter)).ShouldBe(SessionTimerDecision.Expired);
    }

    [Fact]
    public void ARefreshRestartsTheInterval()
    {
        var timer = new SessionTimer(new NegotiatedSessionTimer(90, LocalRefreshes: false), Start);

        timer.Restart(new NegotiatedSessionTimer(90, LocalRefreshes: false), Start + TimeSpan.FromSeconds(50));

        timer.Poll(Start + TimeSpan.FromSeconds(61)).ShouldBe(SessionTimerDecision.Nothing);
        timer.ExpiresAt.ShouldBe(Start + TimeSpan.FromSeconds(110));
    }

    [Fact]
    public void RefreshesUseUpdateOnlyWhenThePeerAllowsIt()
    {
        SessionTimer.RefreshMethod(["INVITE", "ACK", "UPDATE"]).ShouldBe(SipMethod.Update);
        SessionTimer.RefreshMethod(["INVITE", "ACK", "BYE"]).ShouldBe(SipMethod.Invite);
    }
}
