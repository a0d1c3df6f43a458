namespace CallControl.Media.Sdp;

/// <summary>Why an offer cannot be answered or an answer cannot be used.</summary>
public enum SdpNegotiationErrorCode
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>A remote offer arrived while ours awaits its answer (glare: SIP 491).</summary>
    OfferInProgress,

    /// <summary>An answer arrived but we have no offer outstanding.</summary>
    NoOfferPending,

    /// <summary>The answer has a different number of media descriptions than our offer.</summary>
    MediaCountMismatch,

    /// <summary>An answered media description differs in type or protocol from ours, or re-enables one we disabled.</summary>
    MediaMismatch,

    /// <summary>No offered audio stream can be accepted, or the answer rejected ours (SIP 488).</summary>
    NoAcceptableMedia,

    /// <summary>The answer's audio lists no codec we offered.</summary>
    NoCommonCodec,

    /// <summary>The accepted stream's connection address is missing or not an IP literal.</summary>
    UnusableConnection,
}

/// <summary>A failed negotiation step: what went wrong, in words for the log.</summary>
public readonly record struct SdpNegotiationError(SdpNegotiationErrorCode Code, string Detail)
{
    /// <summary>No error.</summary>
    public static SdpNegotiationError None => default;
}
