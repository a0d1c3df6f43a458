namespace CallControl.Media.Sdp;

/// <summary>A media description: the <c>m=</c> line and the lines under it.</summary>
public sealed record SdpMedia
{
    /// <summary>The RTP/AVP profile, the only one offer/answer here accepts.</summary>
    public const string RtpAvp = "RTP/AVP";

    /// <summary>The media type, such as <c>audio</c> or <c>video</c>.</summary>
    public required string MediaType { get; init; }

    /// <summary>The transport port; 0 means the stream is rejected or disabled.</summary>
    public required int Port { get; init; }

    /// <summary>The <c>/count</c> after the port, when present.</summary>
    public int? PortCount { get; init; }

    /// <summary>The transport protocol, such as <c>RTP/AVP</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The formats in preference order; for RTP these are payload type numbers.</summary>
    public required IReadOnlyList<string> Formats { get; init; }

    /// <summary>The media-level <c>c=</c>, when present.</summary>
    public SdpAddress? Connection { get; init; }

    /// <summary>The media-level direction attribute, when present.</summary>
    public SdpDirection? Direction { get; init; }

    /// <summary>The <c>a=rtpmap</c> lines of an RTP stream.</summary>
    public IReadOnlyList<SdpRtpMap> RtpMaps { get; init; } = [];

    /// <summary>The <c>a=fmtp</c> lines of an RTP stream.</summary>
    public IReadOnlyList<SdpFmtp> Fmtps { get; init; } = [];

    /// <summary>The <c>a=ptime</c> value in milliseconds, when present.</summary>
    public int? Ptime { get; init; }

    /// <summary>The <c>a=rtcp</c> attribute (RFC 3605), when present.</summary>
    public SdpRtcp? Rtcp { get; init; }

    /// <summary>Media-level lines other than m, c and a (such as i, b, k).</summary>
    public IReadOnlyList<SdpLine> OtherLines { get; init; } = [];

    /// <summary>Media-level attributes not typed above.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>True when the protocol carries RTP, so formats are payload type numbers.</summary>
    public bool IsRtp => IsRtpProtocol(Protocol);

    /// <summary>The <c>a=rtpmap</c> for a payload type, if the description has one.</summary>
    public SdpRtpMap? RtpMapOf(int payloadType)
    {
        foreach (var map in RtpMaps)
        {
            if (map.PayloadType == payloadType)
            {
                return map;
            }
        }

        return null;
    }

    internal static bool IsRtpProtocol(string protocol) =>
        protocol.StartsWith("RTP/", StringComparison.OrdinalIgnoreCase)
        || protocol.Contains("/RTP/", StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>a=rtpmap:&lt;pt&gt; &lt;encoding&gt;/&lt;clock&gt;[/&lt;parameters&gt;]</c>.</summary>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, string? EncodingParameters = null);

/// <summary><c>a=fmtp:&lt;pt&gt; &lt;parameters&gt;</c>, parameters kept as written.</summary>
public sealed record SdpFmtp(int PayloadType, string Parameters);

/// <summary><c>a=rtcp:&lt;port&gt; [IN IP4|IP6 host]</c> (RFC 3605): RTCP not on the RTP port + 1.</summary>
public sealed record SdpRtcp(int Port, SdpAddress? Address = null);
