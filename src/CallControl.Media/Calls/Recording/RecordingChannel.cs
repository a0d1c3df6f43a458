namespace CallControl.Media.Calls.Recording;

/// <summary>
/// One side of a recording: the far end's audio as a leg receives it, decoded, waiting for the recorder's
/// next frame. Written by the leg's receive loop, read by the media clock; a short lock keeps the two apart.
/// </summary>
/// <remarks>
/// Packets do not arrive exactly every packet time, so the channel keeps a little backlog. When a side has
/// not delivered a frame by its tick, silence is recorded in its place; a backlog beyond
/// <see cref="MaxBacklogSamples"/> is dropped from the oldest end so that the two channels cannot drift apart
/// by more than that over a long call.
/// </remarks>
public sealed class RecordingChannel
{
    /// <summary>At most this much audio (100 ms) waits; more means the side runs ahead of the clock.</summary>
    public const int MaxBacklogSamples = 800;

    private readonly short[] _ring = new short[2048];
    private readonly Lock _gate = new();
    private int _start;
    private int _count;

    /// <summary>Samples dropped because the side ran more than <see cref="MaxBacklogSamples"/> ahead of the clock.</summary>
    public long SamplesDropped { get; private set; }

    /// <summary>Adds received samples.</summary>
    public void Write(ReadOnlySpan<short> samples)
    {
        // More than the ring holds cannot all be kept; the oldest part is dropped, like any backlog beyond the cap.
        var skipped = Math.Max(0, samples.Length - _ring.Length);
        samples = samples[skipped..];
        lock (_gate)
        {
            SamplesDropped += skipped;
            var end = (_start + _count) % _ring.Length;
            var first = Math.Min(samples.Length, _ring.Length - end);
            samples[..first].CopyTo(_ring.AsSpan(end));
            samples[first..].CopyTo(_ring);
            _count += samples.Length;
            if (_count > MaxBacklogSamples)
            {
                var excess = _count - MaxBacklogSamples;
                _start = (_start + excess) % _ring.Length;
                _count = MaxBacklogSamples;
                SamplesDropped += excess;
            }
        }
    }

    /// <summary>Fills <paramref name="frame"/> with the oldest waiting samples, and silence for any that are missing.</summary>
    public void Read(Span<short> frame)
    {
        lock (_gate)
        {
            var available = Math.Min(frame.Length, _count);
            var first = Math.Min(available, _ring.Length - _start);
            _ring.AsSpan(_start, first).CopyTo(frame);
            _ring.AsSpan(0, available - first).CopyTo(frame[first..]);
            frame[available..].Clear();
            _start = (_start + available) % _ring.Length;
            _count -= available;
        }
    }
}
