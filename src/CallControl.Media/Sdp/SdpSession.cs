namespace CallControl.Media.Sdp;

/// <summary>
/// A session description (RFC 8866). The lines offer/answer needs are typed; every other line and
/// attribute is kept, in the order it came, in <see cref="OtherLines"/> and <see cref="Attributes"/>.
/// Parse with <see cref="SdpParser"/>, write with <see cref="SdpWriter"/>.
/// </summary>
public sealed record SdpSession
{
    /// <summary>The <c>o=</c> line.</summary>
    public required SdpOrigin Origin { get; init; }

    /// <summary>The <c>s=</c> text; <c>-</c> when there is nothing to say.</summary>
    public string SessionName { get; init; } = "-";

    /// <summary>The session-level <c>c=</c>; a media-level one overrides it.</summary>
    public SdpAddress? Connection { get; init; }

    /// <summary>The first <c>t=</c> line; further <c>t=</c>, <c>r=</c> and <c>z=</c> lines are in <see cref="OtherLines"/>.</summary>
    public SdpTiming Timing { get; init; }

    /// <summary>The session-level direction attribute, if any; media without their own inherit it.</summary>
    public SdpDirection? Direction { get; init; }

    /// <summary>Session-level lines other than v, o, s, c, the first t, a and m (such as i, u, e, p, b, r, z, k).</summary>
    public IReadOnlyList<SdpLine> OtherLines { get; init; } = [];

    /// <summary>Session-level attributes other than the direction.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>The media descriptions, in order.</summary>
    public IReadOnlyList<SdpMedia> Media { get; init; } = [];

    /// <summary>Where a media description's RTP goes: its own <c>c=</c>, else the session's.</summary>
    public SdpAddress? ConnectionOf(SdpMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Connection ?? Connection;
    }

    /// <summary>A media description's direction: its own attribute, else the session's, else sendrecv.</summary>
    public SdpDirection DirectionOf(SdpMedia media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Direction ?? Direction ?? SdpDirection.SendRecv;
    }
}

/// <summary>The <c>o=</c> line: who made the description, and which version of it this is.</summary>
public sealed record SdpOrigin(string UserName, ulong SessionId, ulong SessionVersion, SdpAddress Address);

/// <summary>A <c>t=</c> line; <c>0 0</c> (the default) means an unbounded session.</summary>
public readonly record struct SdpTiming(ulong Start, ulong Stop);

/// <summary>A line kept as it came: its type letter and everything after the <c>=</c>.</summary>
public sealed record SdpLine(char Type, string Value);

/// <summary>An <c>a=</c> line kept as it came: <c>a=name</c> (no value) or <c>a=name:value</c>.</summary>
public sealed record SdpAttribute(string Name, string? Value = null);
