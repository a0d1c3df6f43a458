namespace CallControl.Media.Sdp;

public static partial class SdpParser
{
    private const int OriginFields = 6;
    private const int ConnectionFields = 3;

    /// <summary>Walks the lines in order and collects the session; one instance per body.</summary>
    private sealed class SessionReader
    {
        private readonly List<SdpLine> _otherLines = [];
        private readonly List<SdpAttribute> _attributes = [];
        private readonly List<MediaReader> _media = [];
        private Phase _phase;
        private SdpOrigin? _origin;
        private string _sessionName = "-";
        private SdpAddress? _connection;
        private SdpTiming? _timing;
        private SdpDirection? _direction;

        private enum Phase
        {
            Version,
            Origin,
            SessionName,
            Session,
        }

        public SdpError Accept(char type, ReadOnlySpan<byte> value, int line)
        {
            switch (_phase)
            {
                case Phase.Version:
                    _phase = Phase.Origin;
                    return type == 'v' && value.SequenceEqual("0"u8)
                        ? SdpError.None
                        : Fail(SdpErrorCode.InvalidVersion, line, "The first line must be v=0.");
                case Phase.Origin:
                    _phase = Phase.SessionName;
                    return type == 'o' ? ReadOrigin(value, line) : Fail(SdpErrorCode.InvalidOrigin, line, "The second line must be o=.");
                case Phase.SessionName:
                    _phase = Phase.Session;
                    if (type != 's')
                    {
                        return Fail(SdpErrorCode.MissingSessionName, line, "The third line must be s=.");
                    }

                    _sessionName = Text(value);
                    return SdpError.None;
                default:
                    return _media.Count == 0 ? AcceptSessionLine(type, value, line) : AcceptMediaLine(type, value, line);
            }
        }

        public SdpError Finish(out SdpSession? session)
        {
            session = null;
            switch (_phase)
            {
                case Phase.Version:
                    return Fail(SdpErrorCode.InvalidVersion, 0, "There is no v= line.");
                case Phase.Origin:
                    return Fail(SdpErrorCode.InvalidOrigin, 0, "There is no o= line.");
                case Phase.SessionName:
                    return Fail(SdpErrorCode.MissingSessionName, 0, "There is no s= line.");
            }

            if (_origin is null || _timing is not { } timing)
            {
                return Fail(SdpErrorCode.InvalidTiming, 0, "There is no t= line.");
            }

            var media = new SdpMedia[_media.Count];
            for (var i = 0; i < media.Length; i++)
            {
                var reader = _media[i];
                if (reader.Port != 0 && reader.Connection is null && _connection is null)
                {
                    return Fail(SdpErrorCode.MissingConnection, reader.Line, "The media has no c= line and the session has none.");
                }

                media[i] = reader.Build();
            }

            session = new SdpSession
            {
                Origin = _origin,
                SessionName = _sessionName,
                Connection = _connection,
                Timing = timing,
                Direction = _direction,
                OtherLines = _otherLines,
                Attributes = _attributes,
                Media = media,
            };
            return SdpError.None;
        }

        private SdpError ReadOrigin(ReadOnlySpan<byte> value, int line)
        {
            Span<Range> tokens = stackalloc Range[OriginFields];
            if (Tokenize(value, tokens) != OriginFields
                || !TryParseNumber(value[tokens[1]], ulong.MaxValue, out var sessionId)
                || !TryParseNumber(value[tokens[2]], ulong.MaxValue, out var version)
                || !TryParseAddress(value[tokens[3]], value[tokens[4]], value[tokens[5]], out var address))
            {
                return Fail(SdpErrorCode.InvalidOrigin, line, "o= must be <username> <sess-id> <sess-version> IN IP4|IP6 <address>.");
            }

            _origin = new SdpOrigin(Text(value[tokens[0]]), sessionId, version, address);
            return SdpError.None;
        }

        private SdpError AcceptSessionLine(char type, ReadOnlySpan<byte> value, int line)
        {
            switch (type)
            {
                case 'm':
                    return StartMedia(value, line);
                case 'c':
                    return ReadConnection(value, line, ref _connection);
                case 'a':
                    return ReadSessionAttribute(value, line);
                case 't' when _timing is null:
                    return ReadTiming(value, line);
                case 't':
                    return TryParseTiming(value, out _) ? Keep(_otherLines, type, value) : Fail(SdpErrorCode.InvalidTiming, line, "t= must be <start> <stop>.");
                case 'i' or 'u' or 'e' or 'p' or 'b' or 'r' or 'z' or 'k':
                    return Keep(_otherLines, type, value);
                default:
                    return Fail(SdpErrorCode.InvalidLine, line, $"'{type}=' is not a session-level line here.");
            }
        }

        private SdpError AcceptMediaLine(char type, ReadOnlySpan<byte> value, int line)
        {
            var media = _media[^1];
            switch (type)
            {
                case 'm':
                    return StartMedia(value, line);
                case 'c':
                    return media.ReadConnection(value, line);
                case 'a':
                    return media.ReadAttribute(value, line);
                case 'i' or 'b' or 'k':
                    return Keep(media.OtherLines, type, value);
                default:
                    return Fail(SdpErrorCode.InvalidLine, line, $"'{type}=' is not a media-level line.");
            }
        }

        private SdpError StartMedia(ReadOnlySpan<byte> value, int line)
        {
            if (_media.Count == SdpLimits.MaxMediaDescriptions)
            {
                return Fail(SdpErrorCode.TooManyMedia, line, $"More than {SdpLimits.MaxMediaDescriptions} m= lines.");
            }

            var error = MediaReader.TryStart(value, line, out var media);
            if (media is not null)
            {
                _media.Add(media);
            }

            return error;
        }

        private SdpError ReadTiming(ReadOnlySpan<byte> value, int line)
        {
            if (!TryParseTiming(value, out var timing))
            {
                return Fail(SdpErrorCode.InvalidTiming, line, "t= must be <start> <stop>.");
            }

            _timing = timing;
            return SdpError.None;
        }

        private SdpError ReadSessionAttribute(ReadOnlySpan<byte> value, int line)
        {
            var error = SplitAttribute(value, line, out var name, out var attributeValue, out var hasValue);
            if (error.Code != SdpErrorCode.None)
            {
                return error;
            }

            if (TryReadDirection(name, hasValue, line, ref _direction, out error))
            {
                return error;
            }

            _attributes.Add(new SdpAttribute(Text(name), hasValue ? Text(attributeValue) : null));
            return SdpError.None;
        }
    }

    private static SdpError Keep(List<SdpLine> lines, char type, ReadOnlySpan<byte> value)
    {
        lines.Add(new SdpLine(type, Text(value)));
        return SdpError.None;
    }

    private static bool TryParseTiming(ReadOnlySpan<byte> value, out SdpTiming timing)
    {
        timing = default;
        Span<Range> tokens = stackalloc Range[2];
        if (Tokenize(value, tokens) != 2
            || !TryParseNumber(value[tokens[0]], ulong.MaxValue, out var start)
            || !TryParseNumber(value[tokens[1]], ulong.MaxValue, out var stop))
        {
            return false;
        }

        timing = new SdpTiming(start, stop);
        return true;
    }

    private static SdpError ReadConnection(ReadOnlySpan<byte> value, int line, ref SdpAddress? connection)
    {
        if (connection is not null)
        {
            return Fail(SdpErrorCode.InvalidConnection, line, "A second c= line at the same level.");
        }

        Span<Range> tokens = stackalloc Range[ConnectionFields];
        if (Tokenize(value, tokens) != ConnectionFields
            || !TryParseAddress(value[tokens[0]], value[tokens[1]], value[tokens[2]], out var address))
        {
            return Fail(SdpErrorCode.InvalidConnection, line, "c= must be IN IP4|IP6 <address>.");
        }

        connection = address;
        return SdpError.None;
    }

    /// <summary>Splits <c>name[:value]</c>; the value may be empty, the name may not.</summary>
    private static SdpError SplitAttribute(ReadOnlySpan<byte> attribute, int line, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value, out bool hasValue)
    {
        var colon = attribute.IndexOf((byte)':');
        hasValue = colon >= 0;
        name = hasValue ? attribute[..colon] : attribute;
        value = hasValue ? attribute[(colon + 1)..] : default;
        return name.IsEmpty || name.Contains((byte)' ')
            ? Fail(SdpErrorCode.InvalidAttribute, line, "a= must be <name> or <name>:<value>.")
            : SdpError.None;
    }

    /// <summary>True when the attribute is a direction; then <paramref name="error"/> says whether it was valid.</summary>
    private static bool TryReadDirection(ReadOnlySpan<byte> name, bool hasValue, int line, ref SdpDirection? direction, out SdpError error)
    {
        SdpDirection parsed;
        if (name.SequenceEqual("sendrecv"u8))
        {
            parsed = SdpDirection.SendRecv;
        }
        else if (name.SequenceEqual("sendonly"u8))
        {
            parsed = SdpDirection.SendOnly;
        }
        else if (name.SequenceEqual("recvonly"u8))
        {
            parsed = SdpDirection.RecvOnly;
        }
        else if (name.SequenceEqual("inactive"u8))
        {
            parsed = SdpDirection.Inactive;
        }
        else
        {
            error = SdpError.None;
            return false;
        }

        if (hasValue || direction is not null)
        {
            error = Fail(SdpErrorCode.InvalidAttribute, line, "A direction attribute takes no value and appears once per level.");
            return true;
        }

        direction = parsed;
        error = SdpError.None;
        return true;
    }
}
