using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace CallControl.Bench.Rtp.Probe;

/// <summary>A call's two probe ports: the caller's media (<see cref="Source"/>) and the callee's (<see cref="Sink"/>).</summary>
public readonly record struct ProbePorts(int Source, int Sink);

/// <summary>The benchmark's side of an <see cref="RtpProbe"/>: this program started again as <c>rtp-probe</c>, driven over its standard streams.</summary>
public sealed class RtpProbeProcess : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;

    private RtpProbeProcess(Process process, IReadOnlyList<ProbePorts> slots)
    {
        _process = process;
        Slots = slots;
    }

    /// <summary>Each call's ports, by slot.</summary>
    public IReadOnlyList<ProbePorts> Slots { get; }

    /// <summary>Starts a probe for <paramref name="calls"/> calls with ports from <paramref name="firstPort"/> on, and waits until it is bound.</summary>
    public static async Task<RtpProbeProcess> StartAsync(int calls, int firstPort)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own executable is unknown.");
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        info.ArgumentList.Add(RtpProbe.Command);
        info.ArgumentList.Add(calls.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(firstPort.ToString(CultureInfo.InvariantCulture));
        var process = Process.Start(info) ?? throw new InvalidOperationException("The probe did not start.");
        var ready = await ReadAnswerAsync(process, "ready");
        var slots = ready.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split(':'))
            .Select(ports => new ProbePorts(int.Parse(ports[0], CultureInfo.InvariantCulture), int.Parse(ports[1], CultureInfo.InvariantCulture)))
            .ToList();
        return new RtpProbeProcess(process, slots);
    }

    /// <summary>Slots whose source knows the worker's caller leg, and slots whose relayed packets reach the sink.</summary>
    public async Task<(int Latched, int Flowing)> StatusAsync()
    {
        var counts = (await AskAsync("status", "status")).Split(' ');
        return (int.Parse(counts[0], CultureInfo.InvariantCulture), int.Parse(counts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Starts the measured window.</summary>
    public Task MarkAsync() => AskAsync("mark", "marked");

    /// <summary>Ends the window and returns what the probe measured over it.</summary>
    public async Task<ProbeReport> EndAsync() =>
        JsonSerializer.Deserialize<ProbeReport>(await AskAsync("end", "report"))
        ?? throw new InvalidOperationException("The probe sent an empty report.");

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await _process.StandardInput.WriteLineAsync("quit");
                await _process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // Its input is already closed: it is on its way out.
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process.Dispose();
    }

    private async Task<string> AskAsync(string command, string answer)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await ReadAnswerAsync(_process, answer);
    }

    private static async Task<string> ReadAnswerAsync(Process process, string answer)
    {
        using var deadline = new CancellationTokenSource(AnswerTimeout);
        var line = await process.StandardOutput.ReadLineAsync(deadline.Token)
            ?? throw new InvalidOperationException($"The probe exited (code {(process.HasExited ? process.ExitCode : -1)}) instead of answering '{answer}'.");
        return line == answer ? string.Empty
            : line.StartsWith(answer + " ", StringComparison.Ordinal) ? line[(answer.Length + 1)..]
            : throw new InvalidOperationException($"The probe answered '{line}' where '{answer}' was expected.");
    }
}
