namespace CallControl.Media.Audio;

/// <summary>
/// A repeating pattern of sine notes, the default music on hold. The phase carries across frames and from one
/// note to the next, so there is no click at either boundary, and reading a frame allocates nothing.
/// Not thread-safe: one generator per held leg.
/// </summary>
public sealed class ToneGenerator : IAudioSource
{
    private readonly double[] _increments;
    private readonly int[] _lengths;
    private readonly double _amplitude;

    private int _step;
    private int _left;
    private double _phase;

    /// <param name="pattern">The notes, played in order and then again from the first.</param>
    /// <param name="amplitude">Peak level as a fraction of full scale (0 to 1].</param>
    public ToneGenerator(IReadOnlyList<ToneStep> pattern, double amplitude)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Count == 0)
        {
            throw new ArgumentException("A tone pattern needs at least one note.", nameof(pattern));
        }

        if (!(amplitude > 0 && amplitude <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(amplitude), amplitude, "The amplitude is a fraction of full scale, above 0 and at most 1.");
        }

        _increments = new double[pattern.Count];
        _lengths = new int[pattern.Count];
        for (var i = 0; i < pattern.Count; i++)
        {
            var step = pattern[i];
            if (!(step.Frequency >= 0 && step.Frequency < AudioFormat.SampleRate / 2.0))
            {
                throw new ArgumentOutOfRangeException(nameof(pattern), step.Frequency, "A note's frequency must be from 0 up to (not including) 4000 Hz.");
            }

            _lengths[i] = (int)Math.Round(step.Duration.TotalSeconds * AudioFormat.SampleRate);
            if (_lengths[i] <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(pattern), step.Duration, "A note must last at least one sample.");
            }

            _increments[i] = step.Frequency / AudioFormat.SampleRate;
        }

        _amplitude = amplitude * short.MaxValue;
        _left = _lengths[0];
    }

    /// <summary>
    /// The default music on hold: an A and the E a fifth above, alternating every half second, at about -18 dBFS,
    /// loud enough to reassure the caller that the line is alive and soft enough not to be shrill through a handset.
    /// </summary>
    public static ToneGenerator MusicOnHold() => new(
        [new ToneStep(440, TimeSpan.FromMilliseconds(500)), new ToneStep(659.25, TimeSpan.FromMilliseconds(500))],
        amplitude: 0.125);

    /// <summary>
    /// Ringback as most of Europe hears it (ETSI ES 201 970): 425 Hz for one second, then four seconds of silence.
    /// </summary>
    public static ToneGenerator Ringback() => new(
        [new ToneStep(425, TimeSpan.FromSeconds(1)), new ToneStep(0, TimeSpan.FromSeconds(4))],
        amplitude: 0.125);

    /// <inheritdoc />
    public void Read(Span<short> frame)
    {
        for (var i = 0; i < frame.Length; i++)
        {
            if (_left == 0)
            {
                _step = (_step + 1) % _lengths.Length;
                _left = _lengths[_step];
            }

            frame[i] = (short)Math.Round(_amplitude * Math.Sin(2 * Math.PI * _phase));

            // The phase is kept in cycles and wrapped, so it stays precise however long the call is held.
            _phase += _increments[_step];
            if (_phase >= 1)
            {
                _phase -= 1;
            }

            _left--;
        }
    }
}
