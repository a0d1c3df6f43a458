namespace CallControl.Media.Sdp;

/// <summary>
/// Bounds on what <see cref="SdpParser"/> accepts. An audio call's SDP is well under 1 KB; the limits
/// leave room for rich offers (video, several codecs, ICE candidates) while bounding work and memory
/// for hostile input.
/// </summary>
public static class SdpLimits
{
    /// <summary>The largest body, in bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>The longest line, in bytes, without its line ending.</summary>
    public const int MaxLineBytes = 1024;

    /// <summary>The most lines in a body.</summary>
    public const int MaxLines = 512;

    /// <summary>The most <c>m=</c> lines.</summary>
    public const int MaxMediaDescriptions = 16;

    /// <summary>The most formats on one <c>m=</c> line.</summary>
    public const int MaxFormatsPerMedia = 64;
}
