namespace CallControl.Media.Audio;

/// <summary>One note of a tone pattern.</summary>
/// <param name="Frequency">In hertz, below the 4 kHz Nyquist limit; 0 for silence.</param>
/// <param name="Duration">How long the note lasts; rounded to whole samples.</param>
public readonly record struct ToneStep(double Frequency, TimeSpan Duration);
