namespace CallControl.Media.Sdp;

/// <summary>A media stream's direction attribute, from the point of view of the side whose SDP carries it.</summary>
/// <remarks>The values are bit sets (1 = sends, 2 = receives) so directions can be intersected.</remarks>
public enum SdpDirection
{
    /// <summary><c>a=inactive</c>: neither sends nor receives.</summary>
    Inactive = 0,

    /// <summary><c>a=sendonly</c>.</summary>
    SendOnly = 1,

    /// <summary><c>a=recvonly</c>.</summary>
    RecvOnly = 2,

    /// <summary><c>a=sendrecv</c>, also what an absent attribute means.</summary>
    SendRecv = 3,
}

/// <summary>Direction arithmetic used by offer/answer.</summary>
public static class SdpDirectionExtensions
{
    /// <summary>True when the side declaring this direction sends media.</summary>
    public static bool Sends(this SdpDirection direction) => (direction & SdpDirection.SendOnly) != 0;

    /// <summary>True when the side declaring this direction receives media.</summary>
    public static bool Receives(this SdpDirection direction) => (direction & SdpDirection.RecvOnly) != 0;

    /// <summary>The same stream seen from the other side: sendonly becomes recvonly and back.</summary>
    public static SdpDirection Reverse(this SdpDirection direction) =>
        (SdpDirection)(((int)direction & 1) << 1 | ((int)direction & 2) >> 1);

    /// <summary>What both directions allow.</summary>
    public static SdpDirection Intersect(this SdpDirection direction, SdpDirection other) => direction & other;

    /// <summary>The direction without receiving, as when the side's address is 0.0.0.0.</summary>
    public static SdpDirection WithoutReceiving(this SdpDirection direction) => direction & SdpDirection.SendOnly;

    /// <summary>The attribute name, such as <c>sendonly</c>.</summary>
    public static string ToAttributeName(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        SdpDirection.Inactive => "inactive",
        _ => "sendrecv",
    };
}
