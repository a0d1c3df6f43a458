namespace CallControl.Media.Audio;

/// <summary>The one audio format the media worker handles internally: 16-bit linear PCM at 8 kHz in 20 ms frames.</summary>
public static class AudioFormat
{
    /// <summary>Samples per second.</summary>
    public const int SampleRate = 8000;

    /// <summary>Samples in one 20 ms frame, the G.711 packet time.</summary>
    public const int FrameSamples = 160;
}
