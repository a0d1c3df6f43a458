using CallControl.Domain.Conversations;
using CallControl.Media.Audio;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Tests.Audio;
using CallControl.Testing;

namespace CallControl.Media.Tests.Calls.Engine;

/// <summary>
/// baresip as an agent's station (auto-answering, a 1.5 kHz ausine voice, recording what it hears) bridged by the
/// engine to a SIPp caller streaming 1 kHz.
/// </summary>
public sealed class StationInteropTests
{
    private const int StationTone = 1500;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TheStationHearsTheCallerAndTheCallerHearsTheStation()
    {
        await using var scene = new CallScene();
        await using var station = await StartStationAsync();
        var caller = await ConnectAsync(scene, station);

        var heard = await CallScene.ListenAsync(TimeSpan.FromSeconds(2), caller);
        CallScene.ShouldCarry(heard[0], TimeSpan.FromSeconds(2), StationTone);

        scene.Media.HangUp("station");
        await station.WaitForEventAsync<BaresipEvent.CallClosed>(Step);
        var recording = WavLoop.Load(await station.WaitForReceivedAudioAsync(Step));
        var samples = new short[recording.SampleCount];
        recording.Read(samples);
        AudioMeasure.PowerAt(samples, caller.Tone).ShouldBeGreaterThan(20 * AudioMeasure.PowerAt(samples, StationTone), "the station recorded the caller's tone");
        samples.Max(s => Math.Abs((int)s)).ShouldBeGreaterThan(1000, "the recording is not silent");

        await HangUpAsync(scene, caller);
    }

    [Fact]
    public async Task TheStationHoldingAndResumingIsReportedAsRemoteHold()
    {
        await using var scene = new CallScene();
        await using var station = await StartStationAsync();
        var caller = await ConnectAsync(scene, station);

        await station.HoldAsync();
        await scene.Engine.WaitForAsync<MediaEvent.LegRemoteHoldChanged>(h => h.LegId == "station" && h.Held);
        await station.ResumeAsync();
        await scene.Engine.WaitForAsync<MediaEvent.LegRemoteHoldChanged>(h => h.LegId == "station" && !h.Held);

        scene.Media.HangUp("station");
        await HangUpAsync(scene, caller);
    }

    [Fact]
    public async Task DigitsGoBothWaysBetweenTheEngineAndTheStation()
    {
        await using var scene = new CallScene();
        await using var station = await StartStationAsync();
        var caller = await ConnectAsync(scene, station);
        await station.WaitForEventAsync<BaresipEvent.RtpEstablished>(Step);

        await station.SendDigitsAsync("73*");
        for (var n = 0; n < 3; n++)
        {
            await scene.Engine.WaitForAsync<MediaEvent.DigitReceived>(d => d.LegId == "station" && scene.Engine.Seen.OfType<MediaEvent.DigitReceived>().Count() > n);
        }

        scene.Media.SendDigits("station", "40#");
        await scene.Engine.WaitForAsync<MediaEvent.DigitsSent>(d => d.LegId == "station");
        for (var n = 0; n < 3; n++)
        {
            await station.WaitForEventAsync<BaresipEvent.DigitEnded>(Step);
        }

        // A repeated report would come within a digit's length of the last one.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        string.Concat(scene.Engine.Seen.OfType<MediaEvent.DigitReceived>().Select(d => d.Digit)).ShouldBe("73*");
        string.Concat(station.Events.OfType<BaresipEvent.DigitReceived>().Select(d => d.Key)).ShouldBe("40#");

        scene.Media.HangUp("station");
        await HangUpAsync(scene, caller);
    }

    [Fact]
    public async Task TheStationReferringUsTransfersTheCallerToTheTargetAndHearsHowItWent()
    {
        await using var scene = new CallScene();
        await using var station = await StartStationAsync(sipTrace: true);
        var caller = await ConnectAsync(scene, station);
        var target = await scene.CalleeAsync(2000);

        await station.TransferAsync(target.Uri);
        var requested = await scene.Engine.WaitForAsync<MediaEvent.TransferRequested>(r => r.LegId == "station");
        target.LegId = requested.NewLegId;
        await scene.Engine.WaitForAsync<MediaEvent.TransferCompleted>(t => t.LegId == "station" && t.NewLegId == target.LegId);
        (await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == "station")).Reason.ShouldBe(DisconnectReason.Transfer);
        await station.WaitForEventAsync<BaresipEvent.CallClosed>(Step);

        var heard = await CallScene.ListenAsync(TimeSpan.FromSeconds(2), caller, target);
        CallScene.ShouldCarry(heard[0], TimeSpan.FromSeconds(2), target.Tone);
        CallScene.ShouldCarry(heard[1], TimeSpan.FromSeconds(2), caller.Tone);
        // The station was told how the transfer went: NOTIFYs with sipfrag, the last a 200.
        station.Output.ShouldContain("NOTIFY sip:");
        station.Output.ShouldContain("SIP/2.0 200 OK", Case.Sensitive);
        station.Output.ShouldContain("message/sipfrag");

        scene.Media.HangUp(target.LegId);
        await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == target.LegId);
        await HangUpAsync(scene, caller);
    }

    private static Task<Baresip> StartStationAsync(bool sipTrace = false) => Baresip.StartAsync(new BaresipOptions
    {
        AnswerMode = BaresipAnswerMode.Auto,
        ToneFrequency = StationTone,
        SipTrace = sipTrace,
    });

    /// <summary>A SIPp caller answered and bridged to the station, placed as leg "station".</summary>
    private static async Task<CallScene.Peer> ConnectAsync(CallScene scene, Baresip station)
    {
        var caller = await scene.CallerAsync(1000);
        scene.Media.Place("station", station.SipUri);
        await scene.Engine.WaitForAsync<MediaEvent.LegAnswered>(a => a.LegId == "station");
        await scene.AnswerAsync(caller);
        scene.Media.Bridge(caller.LegId, "station");
        await scene.Engine.WaitForAsync<MediaEvent.LegsBridged>();
        return caller;
    }

    private static async Task HangUpAsync(CallScene scene, CallScene.Peer caller)
    {
        scene.Media.HangUp(caller.LegId);
        await scene.Engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == caller.LegId);
        await scene.ShouldAllHaveSucceededAsync();
        scene.Engine.ShouldHaveNoFailedCommand();
    }
}
