using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CallControl.Bench.Sip;

/// <summary>What SIPp's statistics file says at the end of a run.</summary>
public sealed record SippCounts(long Created, long Successful, long Failed, long Retransmissions);

/// <summary>
/// One SIPp run in a folder of its own, where it writes its statistics (<c>stats.csv</c>), its response times
/// (<c>*_rtt.csv</c>) and its errors; the folder goes when the run is disposed.
/// </summary>
public sealed class SippProcess : IAsyncDisposable
{
    public const string Program = "/usr/bin/sipp";

    private readonly Process _process;

    private SippProcess(Process process, string folder, int port)
    {
        _process = process;
        Folder = folder;
        Port = port;
    }

    public string Folder { get; }

    /// <summary>SIPp's own SIP port on loopback.</summary>
    public int Port { get; }

    public static SippProcess Start(string target, IEnumerable<string> arguments)
    {
        var port = FreeUdpPort();
        var folder = Path.Combine(Path.GetTempPath(), $"callcontrol-bench-sipp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var info = new ProcessStartInfo(Program)
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(target);
        foreach (var argument in (string[])["-i", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-nostdin",
            "-trace_stat", "-stf", "stats.csv", "-trace_err", "-error_file", "errors.log", "-buff_size", "4194304"])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("sipp did not start");
        // The screens SIPp prints are not needed (its files have the figures), but its pipes must not fill up.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SippProcess(process, folder, port);
    }

    /// <summary>Waits until SIPp has bound its port (read from /proc/net/udp, so nothing is sent to it).</summary>
    public async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var needle = ":" + Port.ToString("X4", CultureInfo.InvariantCulture);
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !_process.HasExited)
        {
            var lines = await File.ReadAllLinesAsync("/proc/net/udp");
            if (lines.Any(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, var local, ..] && local.EndsWith(needle, StringComparison.Ordinal)))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"sipp did not listen on port {Port} in time");
    }

    /// <summary>Waits for SIPp to exit (killing it after <paramref name="timeout"/>); its exit code, 0 when every call succeeded.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
            return -1;
        }

        return _process.ExitCode;
    }

    /// <summary>The cumulative counters of the last line of the statistics file.</summary>
    public SippCounts Counts()
    {
        var lines = File.ReadAllLines(Path.Combine(Folder, "stats.csv")).Where(l => l.Length > 0).ToArray();
        var names = lines[0].Split(';');
        var values = lines[^1].Split(';');
        long Read(string name) => long.Parse(values[Array.IndexOf(names, name)], CultureInfo.InvariantCulture);
        return new SippCounts(Read("TotalCallCreated"), Read("SuccessfulCall(C)"), Read("FailedCall(C)"), Read("Retransmissions(C)"));
    }

    /// <summary>Every response time SIPp traced (<c>-trace_rtt</c>): when it was taken and how long it was, in ms.</summary>
    public List<(double At, double Milliseconds)> ResponseTimes()
    {
        var times = new List<(double, double)>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*_rtt.csv"))
        {
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(';');
                if (fields.Length >= 2
                    && double.TryParse(fields[0], CultureInfo.InvariantCulture, out var at)
                    && double.TryParse(fields[1], CultureInfo.InvariantCulture, out var milliseconds))
                {
                    times.Add((at, milliseconds));
                }
            }
        }

        return times;
    }

    /// <summary>SIPp's error log, for a failed step.</summary>
    public string Errors()
    {
        var file = Path.Combine(Folder, "errors.log");
        return File.Exists(file) ? File.ReadAllText(file) : string.Empty;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temporary-file cleaning.
        }
    }

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
