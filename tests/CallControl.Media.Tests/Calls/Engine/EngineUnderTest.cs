using System.Net;
using CallControl.Media.Calls.Engine;
using CallControl.Media.Rtp;
using CallControl.Media.Rtp.Sockets;
using CallControl.Media.Sip.Transport;
using CallControl.Testing;

namespace CallControl.Media.Tests.Calls.Engine;

/// <summary>A media engine on loopback with its own media ports, and every fact it reports kept for the test to wait on.</summary>
internal sealed class EngineUnderTest : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    // Each engine of the test run gets its own block of ports, clear of the stack tests' (40000 up) and SIPp's.
    private static int _nextBlock;

    private readonly Sightings<MediaEvent> _facts = new();
    private readonly Task _reader;

    private readonly CapturingLoggers _loggers;

    private EngineUnderTest(MediaEngine engine, CapturingLoggers loggers)
    {
        Engine = engine;
        _loggers = loggers;
        _reader = Task.Run(ReadAsync);
    }

    public MediaEngine Engine { get; }

    public IPEndPoint Udp => Engine.SipEndPoints.First(e => e.Kind == SipTransportKind.Udp).EndPoint;

    /// <summary>Every fact so far, in the order reported.</summary>
    public IReadOnlyList<MediaEvent> Seen => _facts.Seen;

    public static EngineUnderTest Start(Func<MediaEngineOptions, MediaEngineOptions>? configure = null)
    {
        var low = 50000 + (200 * (Interlocked.Increment(ref _nextBlock) % 40));
        var options = new MediaEngineOptions
        {
            SipListenOn = [SipEndPoint.Udp(new IPEndPoint(IPAddress.Loopback, 0)), SipEndPoint.Tcp(new IPEndPoint(IPAddress.Loopback, 0))],
            MediaAddress = IPAddress.Loopback,
            MediaPorts = new RtpPortRange(low, low + 199),
            // The SIPp peers name observers, not themselves, as their media address: send where the SDP says.
            Latching = SymmetricRtp.Off,
        };
        var loggers = new CapturingLoggers();
        return new EngineUnderTest(MediaEngine.Start(configure?.Invoke(options) ?? options, loggers), loggers);
    }

    /// <summary>Waits for the first fact (reported so far or later) of type <typeparamref name="T"/> that matches.</summary>
    public Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? patience = null)
        where T : MediaEvent =>
        _facts.WaitForAsync(match, patience ?? Patience, () => string.Join("\n", _loggers.Lines));

    /// <summary>Fails the test if the engine reported a failed command.</summary>
    public void ShouldHaveNoFailedCommand() => Seen.OfType<MediaEvent.CommandFailed>().ShouldBeEmpty();

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await _reader;
    }

    private async Task ReadAsync()
    {
        await foreach (var fact in Engine.Events.ReadAllAsync())
        {
            _facts.Add(fact);
        }
    }

    /// <summary>Writes a copy of a scenario with <c>@AUDIO@</c> naming <paramref name="audioPath"/>, for SIPp's rtp_stream.</summary>
    public static string ScenarioWithAudio(string scenario, string audioPath, string directory)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Calls", "Engine", "Scenarios", scenario));
        var path = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(audioPath)}-{scenario}");
        File.WriteAllText(path, text.Replace("@AUDIO@", audioPath, StringComparison.Ordinal));
        return path;
    }

    /// <summary>A SIPp run of a scenario against this engine.</summary>
    public SippRun Sipp(string scenarioPath, int observerPort, int mediaPort, SippTransport transport = SippTransport.Udp) =>
        new(scenarioPath, Udp)
        {
            Transport = transport,
            Timeout = TimeSpan.FromSeconds(60),
            Keys = new Dictionary<string, string> { ["obs"] = observerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            Arguments = ["-mp", mediaPort.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        };
}
