using CallControl.Domain.Conversations;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Sip.UserAgent;
using CallControl.Media.Tests.Audio;

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

    [Fact]
    public async Task RingingWithRingbackSendsOurSdpIn183AndTheToneUntilTheAnswerAndTheSilentCallerIsNotEndedGone()
    {
        await using var scene = new CallScene(options => options with { InactivityTimeout = TimeSpan.FromSeconds(2) });
        var caller = await scene.CallerAsync(1000, "uac-early-media.xml");

        scene.Media.Ring(caller.LegId, ringback: true);
        var ringing = await CallScene.ListenAsync(TimeSpan.FromSeconds(3), caller);
        ringing[0].Count.ShouldBeGreaterThanOrEqualTo(140, "ringback is sent at the full packet rate, silences included");
        var audio = RtpObserver.Audio(ringing[0]);
        AudioMeasure.PowerAt(audio, 425).ShouldBeGreaterThan(20 * AudioMeasure.PowerAt(audio, 1000));
        scene.Engine.Seen.OfType<MediaEvent.LegEnded>().ShouldBeEmpty("a caller hearing ringback sends nothing and is not gone");

        await scene.AnswerAsync(caller);
        var afterAnswer = await CallScene.ListenAsync(TimeSpan.FromSeconds(1), caller);
        afterAnswer[0].ShouldBeEmpty("the ringback stops at the answer");

        scene.Media.HangUp(caller.LegId);
        await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == caller.LegId);
        await scene.ShouldAllHaveSucceededAsync();
        scene.Engine.ShouldHaveNoFailedCommand();
    }
}
