using CallControl.Media.Calls.Engine;
using CallControl.Media.Tests.Audio;
using CallControl.Testing;

namespace CallControl.Media.Tests.Calls.Engine;

/// <summary>
/// An engine on loopback with SIPp peers around it. Each peer streams its own tone and names an observer socket as
/// its media address, so a test hears what the engine sends each far end where it arrives.
/// </summary>
internal sealed class CallScene : IAsyncDisposable
{
    private static int _nextSippMediaPort = 36000;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"callcontrol-engine-{Guid.NewGuid():N}");
    private readonly List<Peer> _peers = [];

    public CallScene(Func<MediaEngineOptions, MediaEngineOptions>? configure = null)
    {
        Sipp.IsInstalled.ShouldBeTrue("SIPp is installed by test.sh (Debian package sip-tester)");
        System.IO.Directory.CreateDirectory(_directory);
        Engine = EngineUnderTest.Start(configure);
    }

    public EngineUnderTest Engine { get; }

    public MediaEngine Media => Engine.Engine;

    public string Directory => _directory;

    /// <summary>A SIPp callee streaming <paramref name="tone"/> once answered, listening before this returns.</summary>
    public async Task<Peer> CalleeAsync(double tone, string scenario = "uas-rtp.xml")
    {
        var peer = StartPeer(scenario, tone);
        await peer.Sipp.WaitUntilListeningAsync(SippTransport.Udp, TimeSpan.FromSeconds(10));
        return peer;
    }

    /// <summary>A SIPp caller streaming <paramref name="tone"/>; returns once the engine offers its call, as leg <see cref="Peer.LegId"/>.</summary>
    public async Task<Peer> CallerAsync(double tone, string scenario = "uac-rtp-plain.xml")
    {
        var before = Engine.Seen.OfType<MediaEvent.LegOffered>().Count();
        var peer = StartPeer(scenario, tone);
        var offered = await Engine.WaitForAsync<MediaEvent.LegOffered>(o => Engine.Seen.OfType<MediaEvent.LegOffered>().ToList().IndexOf(o) >= before);
        peer.LegId = offered.LegId;
        return peer;
    }

    /// <summary>Places leg <paramref name="legId"/> to <paramref name="callee"/> and waits until it answers.</summary>
    public async Task PlaceAsync(string legId, Peer callee)
    {
        callee.LegId = legId;
        Media.Place(legId, callee.Uri);
        await Engine.WaitForAsync<MediaEvent.LegAnswered>(a => a.LegId == legId);
    }

    /// <summary>Answers an offered caller and waits until its ACK connects it.</summary>
    public async Task AnswerAsync(Peer caller)
    {
        Media.Answer(caller.LegId);
        await Engine.WaitForAsync<MediaEvent.LegAnswered>(a => a.LegId == caller.LegId);
    }

    public async Task BridgeAsync(Peer a, Peer b)
    {
        var before = Engine.Seen.Count;
        Media.Bridge(a.LegId, b.LegId);
        await Engine.WaitForAsync<MediaEvent.LegsBridged>(e => Engine.Seen.ToList().IndexOf(e) >= before);
    }

    /// <summary>What each peer hears over <paramref name="window"/>, starting a moment from now.</summary>
    public static async Task<IReadOnlyList<RtpObserver.Arrival>[]> ListenAsync(TimeSpan window, params Peer[] peers)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var marks = peers.Select(p => p.Observer.Mark()).ToList();
        await Task.Delay(window);
        return [.. marks.Select(mark => mark())];
    }

    /// <summary>At least 95 % of the 50 packets a second a peer streams over <paramref name="window"/> arrived, carrying <paramref name="tone"/>.</summary>
    public static void ShouldCarry(IReadOnlyList<RtpObserver.Arrival> arrivals, TimeSpan window, double tone)
    {
        arrivals.Count.ShouldBeGreaterThanOrEqualTo((int)(0.95 * window.TotalSeconds * 50) - 2);
        var audio = RtpObserver.Audio(arrivals);
        var others = new[] { 440, 659.25, 1000, 1500, 2000 }.Where(f => Math.Abs(f - tone) > 1).Max(f => AudioMeasure.PowerAt(audio, f));
        AudioMeasure.PowerAt(audio, tone).ShouldBeGreaterThan(20 * others, $"the arriving audio is the {tone} Hz tone");
    }

    /// <summary>Music on hold (A 440 Hz and E 659 Hz) arrived, at the full packet rate.</summary>
    public static void ShouldBeMusic(IReadOnlyList<RtpObserver.Arrival> arrivals, TimeSpan window)
    {
        arrivals.Count.ShouldBeGreaterThanOrEqualTo((int)(0.95 * window.TotalSeconds * 50) - 2);
        var audio = RtpObserver.Audio(arrivals);
        var music = AudioMeasure.PowerAt(audio, 440) + AudioMeasure.PowerAt(audio, 659.25);
        new[] { 1000, 1500, 2000 }.Max(f => AudioMeasure.PowerAt(audio, f)).ShouldBeLessThan(music / 20, "the held side hears music, not a peer");
    }

    /// <summary>Every SIPp peer ran its scenario to the end.</summary>
    public async Task ShouldAllHaveSucceededAsync()
    {
        foreach (var peer in _peers)
        {
            var result = await peer.Sipp.WaitAsync(TimeSpan.FromSeconds(15));
            result.Succeeded.ShouldBeTrue(result.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        foreach (var peer in _peers)
        {
            await peer.Sipp.DisposeAsync();
            peer.Observer.Dispose();
        }

        System.IO.Directory.Delete(_directory, recursive: true);
    }

    private Peer StartPeer(string scenario, double tone)
    {
        var observer = new RtpObserver();
        var audio = Path.Combine(_directory, $"tone-{tone:0}.wav");
        ToneWav.Write(audio, tone, TimeSpan.FromSeconds(4));
        var path = EngineUnderTest.ScenarioWithAudio(scenario, audio, _directory);
        var sipp = Sipp.Start(Engine.Sipp(path, observer.Port, Interlocked.Add(ref _nextSippMediaPort, 10)));
        var peer = new Peer(sipp, observer, tone);
        _peers.Add(peer);
        return peer;
    }

    /// <summary>A SIPp process, the observer its SDP names, its tone and the engine's leg to it.</summary>
    internal sealed class Peer(Sipp sipp, RtpObserver observer, double tone)
    {
        public Sipp Sipp { get; } = sipp;

        public RtpObserver Observer { get; } = observer;

        public double Tone { get; } = tone;

        public string LegId { get; set; } = "";

        public string Uri => $"sip:peer@127.0.0.1:{Sipp.LocalPort}";
    }
}
