namespace CallControl.Media.Calls.Relay;

/// <summary>One of the two legs of an <see cref="RtpRelay"/>; a direction is named by the side it comes from.</summary>
public enum RelaySide
{
    A,
    B,
}
