using System.Globalization;

namespace CallControl.Bench;

/// <summary>
/// CPU time used on this machine, by process name, read from <c>/proc</c> (Linux): a benchmark that saturates
/// the machine is as fast as its CPU per operation is low, and that figure varies less from run to run than
/// latency does on a shared host.
/// </summary>
public sealed class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux.
    private readonly Dictionary<string, double> _seconds;

    private ProcessCpu(Dictionary<string, double> seconds) => _seconds = seconds;

    /// <summary>CPU seconds used so far by each process name (<c>comm</c>); empty where <c>/proc</c> is not there.</summary>
    public static ProcessCpu Take()
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!Directory.Exists("/proc"))
        {
            return new ProcessCpu(seconds);
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so it ends at the last ')'.
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var name = pid == Environment.ProcessId ? "bench" : stat[(open + 1)..close];
                var fields = stat[(close + 2)..].Split(' ');
                // Fields 14 and 15 of the whole line (utime, stime) are 12 and 13 after "state".
                var used = (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
                seconds[name] = seconds.GetValueOrDefault(name) + used;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                // The process ended while it was read.
            }
        }

        return new ProcessCpu(seconds);
    }

    /// <summary>Milliseconds of CPU per operation since <paramref name="earlier"/> for the named processes ("bench" is this one).</summary>
    public string PerOperation(ProcessCpu earlier, int operations, params string[] names) =>
        string.Join(", ", names.Select(name => FormattableString.Invariant(
            $"{name} {1000 * (_seconds.GetValueOrDefault(name) - earlier._seconds.GetValueOrDefault(name)) / Math.Max(1, operations):0.00} ms")));
}
