namespace CallControl.Media.Sdp;

public static partial class SdpParser
{
    private const int MaxPayloadType = 127;
    private const int MaxPort = 65535;
    private const int MaxPtime = 10_000;

    /// <summary>Collects one media description.</summary>
    private sealed class MediaReader
    {
        private readonly string _mediaType;
        private readonly int? _portCount;
        private readonly string _protocol;
        private readonly string[] _formats;
        private readonly List<SdpRtpMap> _rtpMaps = [];
        private readonly List<SdpFmtp> _fmtps = [];
        private readonly List<SdpAttribute> _attributes = [];
        private SdpAddress? _connection;
        private SdpDirection? _direction;
        private int? _ptime;
        private SdpRtcp? _rtcp;

        private MediaReader(int line, string mediaType, int port, int? portCount, string protocol, string[] formats)
        {
            Line = line;
            _mediaType = mediaType;
            Port = port;
            _portCount = portCount;
            _protocol = protocol;
            _formats = formats;
        }

        public int Line { get; }

        public int Port { get; }

        public SdpAddress? Connection => _connection;

        public List<SdpLine> OtherLines { get; } = [];

        private bool IsRtp => SdpMedia.IsRtpProtocol(_protocol);

        public static SdpError TryStart(ReadOnlySpan<byte> value, int line, out MediaReader? media)
        {
            media = null;
            Span<Range> tokens = stackalloc Range[SdpLimits.MaxFormatsPerMedia + 3];
            var count = Tokenize(value, tokens);
            if (count < 0)
            {
                return Fail(SdpErrorCode.InvalidMedia, line, $"More than {SdpLimits.MaxFormatsPerMedia} formats.");
            }

            if (count < 4 || !TryParsePort(value[tokens[1]], out var port, out var portCount))
            {
                return Fail(SdpErrorCode.InvalidMedia, line, "m= must be <media> <port>[/<count>] <proto> <format> ...");
            }

            var protocol = Text(value[tokens[2]]);
            var rtp = SdpMedia.IsRtpProtocol(protocol);
            var formats = new string[count - 3];
            for (var i = 0; i < formats.Length; i++)
            {
                var format = value[tokens[i + 3]];
                if (rtp && !TryParseInt(format, 0, MaxPayloadType, out _))
                {
                    return Fail(SdpErrorCode.InvalidMedia, line, "An RTP format must be a payload type from 0 to 127.");
                }

                formats[i] = Text(format);
            }

            media = new MediaReader(line, Text(value[tokens[0]]), port, portCount, protocol, formats);
            return SdpError.None;
        }

        public SdpError ReadConnection(ReadOnlySpan<byte> value, int line) => SdpParser.ReadConnection(value, line, ref _connection);

        public SdpError ReadAttribute(ReadOnlySpan<byte> attribute, int line)
        {
            var error = SplitAttribute(attribute, line, out var name, out var value, out var hasValue);
            if (error.Code != SdpErrorCode.None || TryReadDirection(name, hasValue, line, ref _direction, out error))
            {
                return error;
            }

            if (IsRtp && name.SequenceEqual("rtpmap"u8))
            {
                return ReadRtpMap(value, line);
            }

            if (IsRtp && name.SequenceEqual("fmtp"u8))
            {
                return ReadFmtp(value, line);
            }

            if (name.SequenceEqual("ptime"u8))
            {
                return ReadPtime(value, line);
            }

            if (name.SequenceEqual("rtcp"u8))
            {
                return ReadRtcp(value, line);
            }

            _attributes.Add(new SdpAttribute(Text(name), hasValue ? Text(value) : null));
            return SdpError.None;
        }

        public SdpMedia Build() => new()
        {
            MediaType = _mediaType,
            Port = Port,
            PortCount = _portCount,
            Protocol = _protocol,
            Formats = _formats,
            Connection = _connection,
            Direction = _direction,
            RtpMaps = _rtpMaps,
            Fmtps = _fmtps,
            Ptime = _ptime,
            Rtcp = _rtcp,
            OtherLines = OtherLines,
            Attributes = _attributes,
        };

        private SdpError ReadRtpMap(ReadOnlySpan<byte> value, int line)
        {
            var space = value.IndexOf((byte)' ');
            if (space < 0 || !TryParseInt(value[..space], 0, MaxPayloadType, out var payloadType))
            {
                return Fail(SdpErrorCode.InvalidAttribute, line, "rtpmap must be <pt> <encoding>/<clock>[/<parameters>].");
            }

            var encoding = value[(space + 1)..];
            var slash = encoding.IndexOf((byte)'/');
            var name = slash < 0 ? default : encoding[..slash];
            var afterName = slash < 0 ? default : encoding[(slash + 1)..];
            var secondSlash = afterName.IndexOf((byte)'/');
            var clock = secondSlash < 0 ? afterName : afterName[..secondSlash];
            var parameters = secondSlash < 0 ? default : afterName[(secondSlash + 1)..];
            if (name.IsEmpty || encoding.Contains((byte)' ')
                || !TryParseInt(clock, 1, int.MaxValue, out var clockRate)
                || (secondSlash >= 0 && parameters.IsEmpty))
            {
                return Fail(SdpErrorCode.InvalidAttribute, line, "rtpmap must be <pt> <encoding>/<clock>[/<parameters>].");
            }

            if (_rtpMaps.Exists(map => map.PayloadType == payloadType))
            {
                return Fail(SdpErrorCode.InvalidAttribute, line, $"A second rtpmap for payload type {payloadType}.");
            }

            _rtpMaps.Add(new SdpRtpMap(payloadType, Text(name), clockRate, secondSlash < 0 ? null : Text(parameters)));
            return SdpError.None;
        }

        private SdpError ReadFmtp(ReadOnlySpan<byte> value, int line)
        {
            var space = value.IndexOf((byte)' ');
            var parameters = space < 0 ? default : value[(space + 1)..].TrimStart((byte)' ');
            if (space < 0 || parameters.IsEmpty || !TryParseInt(value[..space], 0, MaxPayloadType, out var payloadType))
            {
                return Fail(SdpErrorCode.InvalidAttribute, line, "fmtp must be <pt> <parameters>.");
            }

            _fmtps.Add(new SdpFmtp(payloadType, Text(parameters)));
            return SdpError.None;
        }

        private SdpError ReadPtime(ReadOnlySpan<byte> value, int line)
        {
            if (_ptime is not null || !TryParseInt(value, 1, MaxPtime, out var ptime))
            {
                return Fail(SdpErrorCode.InvalidAttribute, line, $"ptime must appear once, as whole milliseconds from 1 to {MaxPtime}.");
            }

            _ptime = ptime;
            return SdpError.None;
        }

        private SdpError ReadRtcp(ReadOnlySpan<byte> value, int line)
        {
            Span<Range> tokens = stackalloc Range[ConnectionFields + 1];
            var count = Tokenize(value, tokens);
            SdpAddress? address = null;
            if (_rtcp is not null || (count != 1 && count != ConnectionFields + 1) || !TryParseInt(value[tokens[0]], 1, MaxPort, out var port))
            {
                return Fail(SdpErrorCode.InvalidAttribute, line, "rtcp must appear once, as <port> [IN IP4|IP6 <address>].");
            }

            if (count > 1)
            {
                if (!TryParseAddress(value[tokens[1]], value[tokens[2]], value[tokens[3]], out var parsed))
                {
                    return Fail(SdpErrorCode.InvalidAttribute, line, "rtcp must appear once, as <port> [IN IP4|IP6 <address>].");
                }

                address = parsed;
            }

            _rtcp = new SdpRtcp(port, address);
            return SdpError.None;
        }

        private static bool TryParsePort(ReadOnlySpan<byte> value, out int port, out int? portCount)
        {
            portCount = null;
            var slash = value.IndexOf((byte)'/');
            if (!TryParseInt(slash < 0 ? value : value[..slash], 0, MaxPort, out port))
            {
                return false;
            }

            if (slash < 0)
            {
                return true;
            }

            if (!TryParseInt(value[(slash + 1)..], 1, MaxPort, out var count))
            {
                return false;
            }

            portCount = count;
            return true;
        }
    }
}
