using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CallControl.Testing;

/// <summary>How SIPp carries SIP: one UDP socket, or one TCP connection (its <c>u1</c> and <c>t1</c> modes).</summary>
public enum SippTransport
{
    Udp,
    Tcp,
}

/// <summary>What a SIPp run is asked to do: a scenario file (or one of SIPp's built-in ones) against a target.</summary>
public sealed record SippRun(string Scenario, IPEndPoint Target)
{
    /// <summary>Whether <see cref="Scenario"/> names one of SIPp's built-in scenarios (<c>uac</c>, <c>uas</c>…) rather than a file.</summary>
    public bool BuiltIn { get; init; }

    public SippTransport Transport { get; init; } = SippTransport.Udp;

    /// <summary>SIPp's own SIP port on loopback; 0 picks a free one.</summary>
    public int LocalPort { get; init; }

    /// <summary>Calls placed (or, for a server scenario, answered) before SIPp exits.</summary>
    public int Calls { get; init; } = 1;

    /// <summary>New calls per second.</summary>
    public double Rate { get; init; } = 10;

    /// <summary>The longest the whole run may take; SIPp is stopped with a failure after it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Extra <c>-key name value</c> pairs, read in the scenario as <c>[name]</c>.</summary>
    public IReadOnlyDictionary<string, string> Keys { get; init; } = new Dictionary<string, string>();

    /// <summary>Any further command-line arguments.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>How a SIPp run ended: exit code 0 means every call succeeded.</summary>
public sealed record SippResult(int ExitCode, string Output, string Errors)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => $"sipp exited {ExitCode}\n{Output}\n{Errors}";
}

/// <summary>
/// Runs SIPp (Debian's <c>sip-tester</c>, installed by test.sh) on loopback as a real peer of the SIP stack:
/// as a client placing calls or as a server answering them, with scenarios from the test's output folder.
/// </summary>
public sealed class Sipp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();
    private readonly string _workingDirectory;

    private Sipp(Process process, int localPort, string workingDirectory)
    {
        _process = process;
        LocalPort = localPort;
        _workingDirectory = workingDirectory;
    }

    /// <summary>The port SIPp listens on (its Contact and Via), for scenarios where the stack calls SIPp.</summary>
    public int LocalPort { get; }

    /// <summary>The run's own folder, where SIPp writes the files it is asked to (errors, statistics, response times).</summary>
    public string WorkingDirectory => _workingDirectory;

    public static bool IsInstalled => File.Exists("/usr/bin/sipp") || FindOnPath("sipp") is not null;

    /// <summary>Starts SIPp in the background; <see cref="WaitAsync"/> collects the result.</summary>
    public static Sipp Start(SippRun run)
    {
        var localPort = run.LocalPort != 0 ? run.LocalPort : LoopbackPorts.Free();
        var workingDirectory = Path.Combine(Path.GetTempPath(), $"callcontrol-sipp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(workingDirectory);
        var info = new ProcessStartInfo(FindOnPath("sipp") ?? "/usr/bin/sipp")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(run.Target.ToString());
        if (run.BuiltIn)
        {
            info.ArgumentList.Add("-sn");
            info.ArgumentList.Add(run.Scenario);
        }
        else
        {
            info.ArgumentList.Add("-sf");
            info.ArgumentList.Add(Path.IsPathRooted(run.Scenario) ? run.Scenario : Path.Combine(AppContext.BaseDirectory, run.Scenario));
        }

        string[] common =
        [
            "-i", run.Target.AddressFamily == AddressFamily.InterNetworkV6 ? "::1" : "127.0.0.1",
            "-p", localPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-t", run.Transport == SippTransport.Udp ? "u1" : "t1",
            "-m", run.Calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-r", run.Rate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-timeout", $"{Math.Ceiling(run.Timeout.TotalSeconds)}s",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
            "-error_file", Path.Combine(workingDirectory, "errors.log"),
        ];
        foreach (var argument in common)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in run.Keys)
        {
            info.ArgumentList.Add("-key");
            info.ArgumentList.Add(name);
            info.ArgumentList.Add(value);
        }

        foreach (var argument in run.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var sipp = new Sipp(process, localPort, workingDirectory);
        process.OutputDataReceived += (_, e) => Append(sipp._output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(sipp._errors, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sipp;
    }

    /// <summary>Runs SIPp to the end.</summary>
    public static async Task<SippResult> RunAsync(SippRun run)
    {
        await using var sipp = Start(run);
        return await sipp.WaitAsync(run.Timeout + TimeSpan.FromSeconds(15));
    }

    /// <summary>
    /// Waits until SIPp has bound its SIP port (read from /proc/net, so nothing touches the socket): a
    /// server scenario is only ready to be called then.
    /// </summary>
    public async Task WaitUntilListeningAsync(SippTransport transport, TimeSpan timeout)
    {
        var hexPort = LocalPort.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        string[] tables = transport == SippTransport.Udp ? ["/proc/net/udp", "/proc/net/udp6"] : ["/proc/net/tcp", "/proc/net/tcp6"];
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            foreach (var table in tables.Where(File.Exists))
            {
                foreach (var line in await File.ReadAllLinesAsync(table))
                {
                    // "sl local_address rem_address st ...": the local address ends in :PORT; TCP listeners are state 0A.
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length > 3 && fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal) && (transport == SippTransport.Udp || fields[3] == "0A"))
                    {
                        return;
                    }
                }
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"sipp did not listen on port {LocalPort} in time.\n{Output()}");
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>Waits for SIPp to exit (killing it after <paramref name="timeout"/>) and returns its result.</summary>
    public async Task<SippResult> WaitAsync(TimeSpan timeout)
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
            Append(_errors, $"sipp killed after {timeout.TotalSeconds:0} s");
        }

        var errorLog = Path.Combine(_workingDirectory, "errors.log");
        if (File.Exists(errorLog))
        {
            Append(_errors, await File.ReadAllTextAsync(errorLog));
        }

        lock (_output)
        {
            lock (_errors)
            {
                return new SippResult(_process.ExitCode, _output.ToString(), _errors.ToString());
            }
        }
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
            Directory.Delete(_workingDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open: the temporary folder is left for the system to clean.
        }
    }

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.AppendLine(line);
        }
    }

    /// <summary>A loopback port free for <paramref name="transport"/> at the time of asking.</summary>
    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}
