namespace CallControl.Media.Audio;

/// <summary>An endless source of 8 kHz 16-bit PCM, such as music on hold.</summary>
public interface IAudioSource
{
    /// <summary>Fills <paramref name="frame"/> with the next samples, continuing where the previous call stopped.</summary>
    void Read(Span<short> frame);
}
