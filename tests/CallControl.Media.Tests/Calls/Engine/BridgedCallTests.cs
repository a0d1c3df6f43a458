using CallControl.Media.Calls.Engine;
using CallControl.Media.Tests.Audio;
using CallControl.Testing;

namespace CallControl.Media.Tests.Calls.Engine;

/// <summary>
/// A SIPp caller streaming a 1 kHz tone calls the engine, which calls a SIPp callee streaming 1.5 kHz and bridges
/// the two. Each SIPp names an observer socket as its media address, so what the engine sends each far end is
/// counted and listened to where it arrives.
/// </summary>
public sealed class BridgedCallTests : IAsyncLifetime
{
    private const double CallerTone = 1000;
    private const double CalleeTone = 1500;
    private static int _nextSippMediaPort = 36000;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"callcontrol-engine-{Guid.NewGuid():N}");
    private readonly RtpObserver _atCaller = new();
    private readonly RtpObserver _atCallee = new();
    private EngineUnderTest _engine = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _engine = EngineUnderTest.Start();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RelaysBothWaysThenHoldPlaysMusicToTheHeldSideOnlyResumeRelaysAgainAndMuteStopsOneDirection()
    {
        Sipp.IsInstalled.ShouldBeTrue("SIPp is installed by test.sh (Debian package sip-tester)");
        var callerAudio = ToneWav.Write(_directory, CallerTone, TimeSpan.FromSeconds(4));
        var calleeAudio = ToneWav.Write(_directory, CalleeTone, TimeSpan.FromSeconds(4));
        await using var callee = Sipp.Start(_engine.Sipp(EngineUnderTest.ScenarioWithAudio("uas-rtp.xml", calleeAudio, _directory), _atCallee.Port, NextSippMediaPort()));
        await callee.WaitUntilListeningAsync(SippTransport.Udp, TimeSpan.FromSeconds(10));
        await using var caller = Sipp.Start(_engine.Sipp(EngineUnderTest.ScenarioWithAudio("uac-rtp.xml", callerAudio, _directory), _atCaller.Port, NextSippMediaPort()));

        var offered = await _engine.WaitForAsync<MediaEvent.LegOffered>();
        var inbound = offered.LegId;
        _engine.Engine.Place("out", $"sip:callee@127.0.0.1:{callee.LocalPort}");
        await _engine.WaitForAsync<MediaEvent.LegAnswered>(a => a.LegId == "out");
        _engine.Engine.Answer(inbound);
        await _engine.WaitForAsync<MediaEvent.LegAnswered>(a => a.LegId == inbound);
        _engine.Engine.Bridge(inbound, "out");
        await _engine.WaitForAsync<MediaEvent.LegsBridged>();

        // Bridged: each far end hears the other's tone, and nearly every packet sent arrives.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var window = TimeSpan.FromSeconds(3);
        var atCallee = _atCallee.Mark();
        var atCaller = _atCaller.Mark();
        await Task.Delay(window);
        ShouldHaveArrived(atCallee(), window, CallerTone);
        ShouldHaveArrived(atCaller(), window, CalleeTone);

        // Hold the caller: it hears music (A 440 Hz / E 659 Hz), the callee hears nothing of it.
        _engine.Engine.Hold(inbound, HoldAudio.Music);
        await _engine.WaitForAsync<MediaEvent.LegHeld>(h => h.LegId == inbound);
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        atCallee = _atCallee.Mark();
        atCaller = _atCaller.Mark();
        await Task.Delay(TimeSpan.FromSeconds(2));
        atCallee().ShouldBeEmpty("the callee hears nothing while the caller is held");
        var music = atCaller();
        music.Count.ShouldBeGreaterThanOrEqualTo(90, "music keeps flowing to the held caller");
        var musicAudio = RtpObserver.Audio(music);
        (AudioMeasure.PowerAt(musicAudio, 440) + AudioMeasure.PowerAt(musicAudio, 659.25)).ShouldBeGreaterThan(20 * AudioMeasure.PowerAt(musicAudio, CalleeTone));

        // Resume: relaying goes on both ways, on the same stream as before the hold.
        _engine.Engine.Resume(inbound);
        await _engine.WaitForAsync<MediaEvent.LegResumed>(r => r.LegId == inbound);
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        atCallee = _atCallee.Mark();
        atCaller = _atCaller.Mark();
        await Task.Delay(window);
        ShouldHaveArrived(atCallee(), window, CallerTone);
        ShouldHaveArrived(atCaller(), window, CalleeTone);
        _atCaller.All.Select(a => a.Ssrc).Distinct().Count().ShouldBe(1, "the caller sees one stream through relay, music and relay again");

        // Mute the caller: the callee stops hearing it; the caller still hears the callee.
        _engine.Engine.Mute(inbound);
        await _engine.WaitForAsync<MediaEvent.LegMuted>();
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        atCallee = _atCallee.Mark();
        atCaller = _atCaller.Mark();
        await Task.Delay(TimeSpan.FromSeconds(2));
        atCallee().ShouldBeEmpty("a muted caller is not relayed");
        atCaller().Count.ShouldBeGreaterThanOrEqualTo(90);

        _engine.Engine.HangUp(inbound);
        _engine.Engine.HangUp("out");
        var ends = new[]
        {
            await _engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == inbound),
            await _engine.WaitForAsync<MediaEvent.LegEnded>(e => e.LegId == "out"),
        };
        foreach (var end in ends)
        {
            end.Reason.ShouldBe(Domain.Conversations.DisconnectReason.Success);
            end.Initiator.ShouldBe(Media.Sip.UserAgent.SipInitiator.Local);
            end.Quality.ShouldNotBeNull().LossPercent.ShouldBeLessThan(5);
        }

        (await caller.WaitAsync(TimeSpan.FromSeconds(10))).Succeeded.ShouldBeTrue();
        (await callee.WaitAsync(TimeSpan.FromSeconds(10))).Succeeded.ShouldBeTrue();
        _engine.ShouldHaveNoFailedCommand();
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _atCaller.Dispose();
        _atCallee.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int NextSippMediaPort() => Interlocked.Add(ref _nextSippMediaPort, 10);

    /// <summary>At least 95 % of the 50 packets a second SIPp sent in the window arrived, carrying its tone.</summary>
    private static void ShouldHaveArrived(IReadOnlyList<RtpObserver.Arrival> arrivals, TimeSpan window, double tone)
    {
        var sent = window.TotalSeconds * 50;
        arrivals.Count.ShouldBeGreaterThanOrEqualTo((int)(0.95 * sent) - 2);
        var audio = RtpObserver.Audio(arrivals);
        AudioMeasure.PowerAt(audio, tone).ShouldBeGreaterThan(20 * AudioMeasure.PowerAt(audio, 440));
    }
}
