using System.Globalization;
using System.Text;

namespace CallControl.Media.Sdp;

/// <summary>
/// Writes a session description with CRLF line endings, lines in RFC 8866 order. Kept lines and
/// attributes come out in the order they are held, so a parsed description round-trips.
/// </summary>
public static class SdpWriter
{
    private const string CrLf = "\r\n";

    /// <summary>The description as UTF-8 bytes, ready for a SIP body.</summary>
    public static byte[] Write(SdpSession session) => Encoding.UTF8.GetBytes(WriteText(session));

    /// <summary>The description as text.</summary>
    public static string WriteText(SdpSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var text = new StringBuilder(512);
        var origin = session.Origin;
        text.Append("v=0").Append(CrLf);
        text.Append("o=").Append(origin.UserName).Append(' ')
            .Append(Number(origin.SessionId)).Append(' ')
            .Append(Number(origin.SessionVersion)).Append(' ');
        AppendAddress(text, origin.Address).Append(CrLf);
        text.Append("s=").Append(session.SessionName).Append(CrLf);

        // RFC 8866 puts i, u, e and p before c, and b before t; r, z and k follow t.
        AppendLines(text, session.OtherLines, "iuep");
        AppendConnection(text, session.Connection);
        AppendLines(text, session.OtherLines, "b");
        text.Append("t=").Append(Number(session.Timing.Start)).Append(' ').Append(Number(session.Timing.Stop)).Append(CrLf);
        AppendLines(text, session.OtherLines, "trzk");
        AppendAttributes(text, session.Attributes);
        AppendDirection(text, session.Direction);
        foreach (var media in session.Media)
        {
            AppendMedia(text, media);
        }

        return text.ToString();
    }

    private static void AppendMedia(StringBuilder text, SdpMedia media)
    {
        text.Append("m=").Append(media.MediaType).Append(' ').Append(Number(media.Port));
        if (media.PortCount is { } count)
        {
            text.Append('/').Append(Number(count));
        }

        text.Append(' ').Append(media.Protocol);
        foreach (var format in media.Formats)
        {
            text.Append(' ').Append(format);
        }

        text.Append(CrLf);
        AppendLines(text, media.OtherLines, "i");
        AppendConnection(text, media.Connection);
        AppendLines(text, media.OtherLines, "bk");
        foreach (var map in media.RtpMaps)
        {
            text.Append("a=rtpmap:").Append(Number(map.PayloadType)).Append(' ').Append(map.EncodingName).Append('/').Append(Number(map.ClockRate));
            if (map.EncodingParameters is { } parameters)
            {
                text.Append('/').Append(parameters);
            }

            text.Append(CrLf);
            AppendFmtps(text, media.Fmtps, fmtp => fmtp.PayloadType == map.PayloadType);
        }

        AppendFmtps(text, media.Fmtps, fmtp => media.RtpMapOf(fmtp.PayloadType) is null);
        if (media.Ptime is { } ptime)
        {
            text.Append("a=ptime:").Append(Number(ptime)).Append(CrLf);
        }

        if (media.Rtcp is { } rtcp)
        {
            text.Append("a=rtcp:").Append(Number(rtcp.Port));
            if (rtcp.Address is { } address)
            {
                AppendAddress(text.Append(' '), address);
            }

            text.Append(CrLf);
        }

        AppendAttributes(text, media.Attributes);
        AppendDirection(text, media.Direction);
    }

    private static void AppendFmtps(StringBuilder text, IReadOnlyList<SdpFmtp> fmtps, Func<SdpFmtp, bool> which)
    {
        foreach (var fmtp in fmtps)
        {
            if (which(fmtp))
            {
                text.Append("a=fmtp:").Append(Number(fmtp.PayloadType)).Append(' ').Append(fmtp.Parameters).Append(CrLf);
            }
        }
    }

    private static void AppendLines(StringBuilder text, IReadOnlyList<SdpLine> lines, string types)
    {
        foreach (var line in lines)
        {
            if (types.Contains(line.Type, StringComparison.Ordinal))
            {
                text.Append(line.Type).Append('=').Append(line.Value).Append(CrLf);
            }
        }
    }

    private static void AppendAttributes(StringBuilder text, IReadOnlyList<SdpAttribute> attributes)
    {
        foreach (var attribute in attributes)
        {
            text.Append("a=").Append(attribute.Name);
            if (attribute.Value is { } value)
            {
                text.Append(':').Append(value);
            }

            text.Append(CrLf);
        }
    }

    private static void AppendDirection(StringBuilder text, SdpDirection? direction)
    {
        if (direction is { } value)
        {
            text.Append("a=").Append(value.ToAttributeName()).Append(CrLf);
        }
    }

    private static void AppendConnection(StringBuilder text, SdpAddress? connection)
    {
        if (connection is { } address)
        {
            AppendAddress(text.Append("c="), address).Append(CrLf);
        }
    }

    private static StringBuilder AppendAddress(StringBuilder text, SdpAddress address) =>
        text.Append("IN ").Append(address.Type == SdpAddressType.IP6 ? "IP6 " : "IP4 ").Append(address.Host);

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
