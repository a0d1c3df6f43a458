using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace CallControl.Testing;

/// <summary>
/// A real SIP station on loopback: baresip 1.0.0 (Debian's <c>baresip-core</c>, installed by test.sh) run as
/// a child process with its own temporary configuration, for interoperability tests of the media worker.
/// </summary>
/// <remarks>
/// <para>
/// The station listens for SIP over UDP (and TCP) on 127.0.0.1 at a free port (<see cref="SipUri"/>),
/// offers only G.711 (PCMU, PCMA) and RFC 4733 telephone-events, sends a sine tone
/// (<see cref="BaresipOptions.ToneFrequency"/>, the <c>ausine</c> module) as its voice, and has no sound card:
/// what it plays goes to an <c>aubridge</c> device nothing reads (1.0.0 has no null player, and its
/// <c>aufile</c> is a source only), and no ALSA module is loaded. The <c>sndfile</c> filter records every
/// call into <see cref="RecordingDirectory"/>; see <see cref="ReceivedAudioFiles"/>.
/// </para>
/// <para>
/// It is driven through <c>ctrl_tcp</c> (netstring-framed JSON on a free loopback TCP port): commands of
/// baresip's <c>menu</c> module, which act on the station's current call (the newest, or the one chosen with
/// <see cref="SelectCallAsync"/>), and the events it reports (<see cref="WaitForEventAsync(Func{BaresipEvent, bool}, TimeSpan)"/>).
/// </para>
/// <para>
/// Limits of baresip 1.0.0 the fixture lives with:
/// the account does not register (<c>regint=0</c>: there is no registrar on loopback), so "ready" means
/// the control channel answers and lists the user agent;
/// CALL_INCOMING is only reported when the station does not answer by itself;
/// a REFER received is carried out by baresip itself (it reports TRANSFER and dials the target), it cannot
/// be refused;
/// there is no event for a hold or resume by the peer, only <see cref="BaresipEvent.RemoteSdpReceived"/> for
/// the re-INVITE's offer (its direction shows in the SIP trace, <see cref="BaresipOptions.SipTrace"/>);
/// most commands answer "ok" even when there is no call to act on;
/// sndfile names its files by the second the call's audio started, so two calls of one station starting in
/// the same second write the same file.
/// </para>
/// </remarks>
public sealed partial class Baresip : IAsyncDisposable
{
    private const int OutputTailLines = 40;

    private static readonly string[] ModuleDirectories =
    [
        "/usr/lib/baresip/modules",
        "/usr/lib/x86_64-linux-gnu/baresip/modules",
        "/usr/lib/aarch64-linux-gnu/baresip/modules",
        "/usr/local/lib/baresip/modules",
    ];

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _workingDirectory;
    private readonly bool _ownsRecordingDirectory;
    private bool _disposed;

    private Baresip(Process process, BaresipOptions options, string workingDirectory, string recordingDirectory, int sipPort, int controlPort)
    {
        _process = process;
        Options = options;
        _workingDirectory = workingDirectory;
        RecordingDirectory = recordingDirectory;
        _ownsRecordingDirectory = options.RecordingDirectory is null;
        SipEndPoint = new IPEndPoint(IPAddress.Loopback, sipPort);
        SipUri = $"sip:{options.User}@127.0.0.1:{sipPort.ToString(CultureInfo.InvariantCulture)}";
        ControlPort = controlPort;
    }

    /// <summary>Whether baresip is installed (test.sh installs Debian's <c>baresip-core</c>).</summary>
    public static bool IsInstalled => File.Exists("/usr/bin/baresip") || FindOnPath("baresip") is not null;

    /// <summary>The station's address, to call it: <c>sip:USER@127.0.0.1:PORT</c>.</summary>
    public string SipUri { get; }

    /// <summary>Where the station receives SIP.</summary>
    public IPEndPoint SipEndPoint { get; }

    /// <summary>The loopback TCP port of the station's ctrl_tcp control channel.</summary>
    public int ControlPort { get; }

    /// <summary>What the station was started with.</summary>
    public BaresipOptions Options { get; }

    /// <summary>The station's baresip configuration folder (<c>config</c>, <c>accounts</c>, <c>contacts</c>), deleted on dispose.</summary>
    public string ConfigDirectory => _workingDirectory;

    /// <summary>Where sndfile writes the station's recordings (its <c>snd_path</c>).</summary>
    public string RecordingDirectory { get; }

    /// <summary>Everything baresip has printed so far, standard output and error interleaved, colours removed.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts a station and waits until its control channel answers and lists its user agent. A start that
    /// fails because a port picked as free was taken meanwhile is retried with other ports.
    /// </summary>
    /// <exception cref="InvalidOperationException">baresip exited before it was ready.</exception>
    /// <exception cref="TimeoutException">baresip was not ready within <see cref="BaresipOptions.StartTimeout"/>.</exception>
    public static async Task<Baresip> StartAsync(BaresipOptions? options = null)
    {
        options ??= new BaresipOptions();
        Validate(options);
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var station = Launch(options);
            try
            {
                await station.WaitUntilReadyAsync();
                return station;
            }
            catch (InvalidOperationException) when (attempt < attempts && station.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                await station.DisposeAsync();
            }
            catch
            {
                await station.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// Waits until baresip has printed <paramref name="text"/>, such as a line of the SIP trace.
    /// </summary>
    /// <exception cref="TimeoutException">The text did not appear in time; the message has the output's tail.</exception>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (Stopwatch.GetTimestamp() > deadline || _process.HasExited)
            {
                throw new TimeoutException($"baresip {SipUri} did not print '{text}' within {timeout.TotalSeconds:0.#} s.\n{Describe()}");
            }

            await Task.Delay(20);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"baresip {SipUri}";

    /// <summary>
    /// Asks baresip to quit (so it ends its calls with BYE), kills it if it has not exited within two seconds,
    /// and deletes its temporary folder.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited && IsControlOpen)
        {
            try
            {
                await CommandAsync("quit");
            }
            catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException)
            {
                // Quitting is a courtesy to the peers; the process is killed below if it is still there.
            }
        }

        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        await CloseControlAsync();
        _process.Dispose();
        DeleteDirectory(_workingDirectory);
        if (_ownsRecordingDirectory)
        {
            DeleteDirectory(RecordingDirectory);
        }
    }

    private static void Validate(BaresipOptions options)
    {
        if (options.ToneFrequency is < 10 or > 20000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ToneFrequency, "ausine plays 10–20000 Hz.");
        }

        if (options.User.Length == 0 || !options.User.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"The user '{options.User}' must be letters, digits, '-', '_' or '.'.", nameof(options));
        }

        if (options.RtpPorts is var (low, high) && (low < 1024 || high > 65535 || high - low < 3))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RtpPorts, "RTP ports must be 1024–65535 with room for two pairs.");
        }
    }

    private static Baresip Launch(BaresipOptions options)
    {
        var workingDirectory = Path.Combine(Path.GetTempPath(), $"callcontrol-baresip-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workingDirectory);
        var recordingDirectory = options.RecordingDirectory ?? Path.Combine(workingDirectory, "recordings");
        Directory.CreateDirectory(recordingDirectory);

        var sipPort = LoopbackPorts.Free();
        var controlPort = LoopbackPorts.Free();
        var rtpPorts = options.RtpPorts ?? RandomRtpWindow();
        try
        {
            WriteConfiguration(workingDirectory, options, sipPort, controlPort, rtpPorts, recordingDirectory);
        }
        catch
        {
            DeleteDirectory(workingDirectory);
            throw;
        }

        var info = new ProcessStartInfo(FindOnPath("baresip") ?? "/usr/bin/baresip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Nothing reads it (no stdio or cons module is loaded); redirected so the test host's stays untouched.
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add(workingDirectory);
        if (options.SipTrace)
        {
            info.ArgumentList.Add("-s");
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var station = new Baresip(process, options, workingDirectory, recordingDirectory, sipPort, controlPort);
        process.OutputDataReceived += (_, e) => station.Append(e.Data);
        process.ErrorDataReceived += (_, e) => station.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return station;
    }

    private static void WriteConfiguration(string directory, BaresipOptions options, int sipPort, int controlPort, (int Low, int High) rtpPorts, string recordingDirectory)
    {
        var moduleDirectory = ModuleDirectories.FirstOrDefault(d => File.Exists(Path.Combine(d, "ctrl_tcp.so")))
            ?? throw new InvalidOperationException($"baresip's modules (ctrl_tcp.so) were not found in {string.Join(", ", ModuleDirectories)}.");
        var device = Path.GetFileName(directory);
        string I(int value) => value.ToString(CultureInfo.InvariantCulture);

        // baresip's own template format: one "name value" per line; comments only on lines of their own.
        string[] config =
        [
            "# A SIP station for CallControl's tests, written by CallControl.Testing.Baresip.",
            "poll_method\tepoll",
            $"sip_listen\t127.0.0.1:{I(sipPort)}",
            "net_interface\t127.0.0.1",
            "call_local_timeout\t120",
            "call_max_calls\t4",
            "audio_path\t/usr/share/baresip",
            $"audio_source\tausine,{I(options.ToneFrequency)}",
            "# No sound card: what the station plays goes to bridge devices that nothing reads.",
            $"audio_player\taubridge,{device}-player",
            $"audio_alert\taubridge,{device}-alert",
            "# ausine only produces 48 kHz stereo; baresip resamples it for G.711.",
            "ausrc_srate\t48000",
            "ausrc_channels\t2",
            "ausrc_format\ts16",
            "auplay_format\ts16",
            "auenc_format\ts16",
            "audec_format\ts16",
            "audio_level\tno",
            "audio_buffer\t20-160",
            $"rtp_ports\t{I(rtpPorts.Low)}-{I(rtpPorts.High)}",
            "rtp_tos\t0",
            "rtcp_mux\tno",
            "jitter_buffer_delay\t5-10",
            $"module_path\t{moduleDirectory}",
            "module\tg711.so",
            "module\tsndfile.so",
            "module\tausine.so",
            "module\taubridge.so",
            "module_tmp\taccount.so",
            "module_app\tcontact.so",
            "module_app\tmenu.so",
            "module_app\tctrl_tcp.so",
            $"ctrl_tcp_listen\t127.0.0.1:{I(controlPort)}",
            $"snd_path\t{recordingDirectory}",
            "# The menu's status line would rewrite itself on the output every 100 ms.",
            "statmode_default\toff",
            "menu_bell\tno",
            "ringback_disabled\tyes",
        ];
        File.WriteAllLines(Path.Combine(directory, "config"), config);

        var answerMode = options.AnswerMode switch
        {
            BaresipAnswerMode.Auto => "auto",
            BaresipAnswerMode.Early => "early",
            _ => "manual",
        };
        File.WriteAllText(
            Path.Combine(directory, "accounts"),
            $"<sip:{options.User}@127.0.0.1:{I(sipPort)}>;regint=0;answermode={answerMode}\n");
        File.WriteAllText(Path.Combine(directory, "contacts"), string.Empty);
    }

    private async Task WaitUntilReadyAsync()
    {
        var timeout = Options.StartTimeout;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await TryOpenControlAsync())
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"baresip exited with code {_process.ExitCode} before it was ready.\n{Describe()}");
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"baresip did not open its control port {ControlPort} within {timeout.TotalSeconds:0.#} s.\n{Describe()}");
            }

            await Task.Delay(20);
        }

        var userAgents = await CommandAsync("reginfo");
        if (!userAgents.Contains(SipUri, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"baresip does not list the user agent {SipUri}:\n{userAgents}\n{Describe()}");
        }
    }

    /// <summary>The recent events and the output's tail, for failure messages.</summary>
    private string Describe()
    {
        var events = Events.TakeLast(30).Select(e => $"  {e.Type} id={e.CallId} param={e.Param}");
        var lines = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(OutputTailLines);
        return $"Events (last 30):\n{string.Join('\n', events)}\nOutput (last {OutputTailLines} lines):\n{string.Join('\n', lines)}";
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(TerminalColour().Replace(line, string.Empty));
        }
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex TerminalColour();

    /// <summary>
    /// A random 200-port window with no UDP port bound in it right now. baresip tries 64 random ports of its
    /// window per stream and gives up ("Address already in use") when another process holds most of it.
    /// </summary>
    private static (int Low, int High) RandomRtpWindow()
    {
        const int size = 200;
        var bound = BoundUdpPorts();
        var low = 0;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            low = 2 * Random.Shared.Next(5000, 10000 - (size / 2));
            var start = low;
            if (!bound.Any(port => port >= start && port < start + size))
            {
                break;
            }
        }

        return (low, low + size - 1);
    }

    private static HashSet<int> BoundUdpPorts()
    {
        var ports = new HashSet<int>();
        foreach (var table in new[] { "/proc/net/udp", "/proc/net/udp6" }.Where(File.Exists))
        {
            // "sl local_address rem_address ...": the local address ends in :PORT, in hexadecimal.
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var colon = fields.Length > 1 ? fields[1].LastIndexOf(':') : -1;
                if (colon >= 0 && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port))
                {
                    ports.Add(port);
                }
            }
        }

        return ports;
    }

    private static void DeleteDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or a file still held open: then the system's temporary folder cleaning takes it.
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
