using CallControl.Domain.Conversations;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Sip.UserAgent;

namespace CallControl.Media.Tests.Calls.Engine;

public sealed class DigitsAndTimeoutTests
{
    [Fact]
    public async Task RfcFourSevenThreeThreeDigitsFromSippAreReportedOnceEachInOrder()
    {
        await using var scene = new CallScene();
        var caller = await scene.CallerAsync(1000, "uac-dtmf.xml");
        await scene.AnswerAsync(caller);

        var end = await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == caller.LegId);
        end.Reason.ShouldBe(DisconnectReason.Success);
        end.Initiator.ShouldBe(SipInitiator.Remote);
        var digits = scene.Engine.Seen.OfType<MediaEvent.DigitReceived>().Where(d => d.LegId == caller.LegId).ToList();
        new string([.. digits.Select(d => d.Digit)]).ShouldBe("1259*#");
        digits.ShouldAllBe(d => d.Duration > TimeSpan.Zero);
        await scene.ShouldAllHaveSucceededAsync();
    }

    [Fact]
    public async Task DigitsSentToSippLeaveAsRfcFourSevenThreeThreeEventsOnTheNegotiatedPayloadType()
    {
        await using var scene = new CallScene();
        var caller = await scene.CallerAsync(1000);
        await scene.AnswerAsync(caller);

        scene.Media.SendDigits(caller.LegId, "4#");
        await scene.Engine.WaitForAsync<MediaEvent.DigitsSent>(d => d.LegId == caller.LegId && d.Digits == "4#");
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        var events = caller.Observer.All.Where(a => a.PayloadType == 101).ToList();
        events.Select(e => e.Payload[0]).Distinct().ShouldBe([(byte)4, (byte)11]);
        events.Count(e => (e.Payload[1] & 0x80) != 0).ShouldBe(6, "three end packets per digit");
        events.Count(e => e.Marker).ShouldBe(2, "the first packet of each digit has the marker");

        scene.Media.HangUp(caller.LegId);
        await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == caller.LegId);
        await scene.ShouldAllHaveSucceededAsync();
    }

    [Fact]
    public async Task AConnectedLegWhoseFarEndSendsNoRtpIsEndedGoneAfterTheTimeout()
    {
        await using var scene = new CallScene(options => options with { InactivityTimeout = TimeSpan.FromSeconds(2) });
        // This caller never streams: it only waits for the BYE.
        var caller = await scene.CallerAsync(1000, "uac-silent.xml");
        await scene.AnswerAsync(caller);

        var end = await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == caller.LegId, TimeSpan.FromSeconds(10));
        end.Reason.ShouldBe(DisconnectReason.Gone);
        end.Initiator.ShouldBe(SipInitiator.Local);
        await scene.ShouldAllHaveSucceededAsync();
    }
}
