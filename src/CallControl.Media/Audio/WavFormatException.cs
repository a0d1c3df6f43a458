namespace CallControl.Media.Audio;

/// <summary>A WAV file that is malformed or in a format the media worker does not play.</summary>
public sealed class WavFormatException : FormatException
{
    /// <summary>Creates the exception with a message that says what is wrong with the file.</summary>
    public WavFormatException(string message)
        : base(message)
    {
    }
}
