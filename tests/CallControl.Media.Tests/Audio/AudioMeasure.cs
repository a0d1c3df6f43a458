namespace CallControl.Media.Tests.Audio;

/// <summary>Measurements the audio tests make on generated or recorded samples.</summary>
internal static class AudioMeasure
{
    /// <summary>The power of one frequency in the samples (Goertzel), normalised by length.</summary>
    public static double PowerAt(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double previous = 0;
        double beforePrevious = 0;
        foreach (var sample in samples)
        {
            var current = sample + (coefficient * previous) - beforePrevious;
            beforePrevious = previous;
            previous = current;
        }

        var power = (previous * previous) + (beforePrevious * beforePrevious) - (coefficient * previous * beforePrevious);
        return power / samples.Length / samples.Length;
    }

    public static int ZeroCrossings(ReadOnlySpan<short> samples)
    {
        var crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
            {
                crossings++;
            }
        }

        return crossings;
    }
}
