namespace CallControl.Bench.Rtp.Probe;

/// <summary>What the probe measured of one call's relayed stream over the window.</summary>
/// <param name="Slot">The call's slot (its line in the caller's injection file).</param>
/// <param name="Sent">Packets the probe sent to the worker's caller leg in the window.</param>
/// <param name="Received">Of those, the packets that reached the probe's sink after the worker relayed them.</param>
/// <param name="JitterMilliseconds">
/// The mean over the window's packets of the RFC 3550 §6.4.1 jitter estimate (gain 1/16) of the packets'
/// transit through the worker: send time at the probe to kernel arrival at the sink.
/// </param>
/// <param name="MaxTransitMilliseconds">The longest transit of the window's packets.</param>
/// <param name="Untimed">Packets that came without a kernel timestamp and were timed when read instead (expected 0).</param>
public sealed record ProbeSlotReport(int Slot, long Sent, long Received, double JitterMilliseconds, double MaxTransitMilliseconds, long Untimed);

/// <summary>The probe's figures for the window: per call, and the transit of every packet.</summary>
/// <param name="WindowSeconds">How long the window lasted at the probe, from its mark to its end.</param>
/// <param name="QueueDrops">
/// Packets the kernel dropped at the probe's sink in the window for a full receive queue: they reached the
/// probe, so they are the probe's loss, not the worker's.
/// </param>
/// <param name="TransitP50Milliseconds">Median transit through the worker of the window's packets.</param>
/// <param name="TransitP99Milliseconds">99th percentile of the same.</param>
/// <param name="TransitMaxMilliseconds">The longest transit.</param>
public sealed record ProbeReport(
    IReadOnlyList<ProbeSlotReport> Slots,
    double WindowSeconds,
    long QueueDrops,
    double TransitP50Milliseconds,
    double TransitP99Milliseconds,
    double TransitMaxMilliseconds);
