using System.Globalization;
using CallControl.Testing;

namespace CallControl.Bench.Sip;

/// <summary>What SIPp's statistics file says at the end of a run.</summary>
public sealed record SippCounts(long Created, long Successful, long Failed, long Retransmissions);

/// <summary>
/// One SIPp run (the tests' <see cref="Sipp"/> runner) that also writes its statistics (<c>stats.csv</c>) and,
/// when asked, its response times (<c>*_rtt.csv</c>) in its folder, which goes when the run is disposed.
/// </summary>
public sealed class SippProcess : IAsyncDisposable
{
    public const string Program = "/usr/bin/sipp";

    private readonly Sipp _sipp;

    private SippProcess(Sipp sipp) => _sipp = sipp;

    public string Folder => _sipp.WorkingDirectory;

    /// <summary>SIPp's own SIP port on loopback.</summary>
    public int Port => _sipp.LocalPort;

    public static SippProcess Start(SippRun run) =>
        new(Sipp.Start(run with { Arguments = ["-trace_stat", "-stf", "stats.csv", "-buff_size", "4194304", .. run.Arguments] }));

    /// <summary>Waits until SIPp has bound its UDP port.</summary>
    public Task WaitUntilListeningAsync(TimeSpan timeout) => _sipp.WaitUntilListeningAsync(SippTransport.Udp, timeout);

    /// <summary>Waits for SIPp to exit (killing it after <paramref name="timeout"/>); its exit code, 0 when every call succeeded.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout) => (await _sipp.WaitAsync(timeout)).ExitCode;

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

    public ValueTask DisposeAsync() => _sipp.DisposeAsync();
}
