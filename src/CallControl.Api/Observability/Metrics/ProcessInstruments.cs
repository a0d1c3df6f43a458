using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace CallControl.Api.Observability.Metrics;

/// <summary>
/// The standard process figures under their usual Prometheus names, read from what the runtime already keeps so a
/// scrape costs no more than a few counters.
/// </summary>
internal static class ProcessInstruments
{
    public static void Create(Meter meter)
    {
        var startTime = ProcessStartTimeSeconds();
        var generations = new string[GC.MaxGeneration + 1];
        for (var generation = 0; generation < generations.Length; generation++)
        {
            generations[generation] = generation.ToString(CultureInfo.InvariantCulture);
        }

        meter.CreateObservableCounter(
            "process_cpu_seconds_total", static () => Environment.CpuUsage.TotalTime.TotalSeconds, "s", "Total user and system CPU time spent in seconds.");
        meter.CreateObservableGauge(
            "process_resident_memory_bytes", static () => Environment.WorkingSet, "By", "Resident memory size in bytes.");
        meter.CreateObservableGauge(
            "process_start_time_seconds", () => startTime, "s", "Start time of the process since unix epoch in seconds.");
        meter.CreateObservableCounter(
            "dotnet_collection_count_total", () => ObserveCollections(generations), "{collection}", "Garbage collections of each generation since the process started.");
        meter.CreateObservableCounter(
            "dotnet_gc_allocated_bytes_total", static () => GC.GetTotalAllocatedBytes(), "By", "Bytes allocated on the managed heap since the process started.");

        // GC.GetTotalMemory can come out negative under the regions GC (dotnet/runtime#106712); the heap size the
        // last collection measured is a little older but always sound.
        meter.CreateObservableGauge(
            "dotnet_gc_heap_size_bytes", static () => GC.GetGCMemoryInfo().HeapSizeBytes, "By", "Managed heap size, including fragmentation, as of the last garbage collection.");
    }

    private static IEnumerable<Measurement<long>> ObserveCollections(string[] generations)
    {
        for (var generation = 0; generation < generations.Length; generation++)
        {
            yield return new Measurement<long>(
                GC.CollectionCount(generation), new KeyValuePair<string, object?>("generation", generations[generation]));
        }
    }

    private static double ProcessStartTimeSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
    }
}
