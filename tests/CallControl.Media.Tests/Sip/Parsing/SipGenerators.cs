using System.Globalization;
using CallControl.Media.Sip.Messages;
using FsCheck;
using FsCheck.Fluent;

namespace CallControl.Media.Tests.Sip.Parsing;

/// <summary>Generators of well-formed messages and their parts, for the round-trip properties.</summary>
internal static class SipGenerators
{
    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private const string TokenCharacters = Alphanumeric + "-.!%*_+`'~";

    private const string WordCharacters = Alphanumeric + "-.!%*_+`'~()<>:\\\"/[]?{}";

    /// <summary>Characters for display names, unknown header values and user parts: ASCII specials and beyond.</summary>
    private const string TextCharacters = Alphanumeric + " !#$%&'()*+,-./:;<=>?@[]^_`{|}~\"\\\u00e9\u00df\u0436\u4f60\u00a0";

    public static Gen<string> Token(int maxLength = 10) => StringOf(TokenCharacters, 1, maxLength);

    public static Gen<SipMethod> Method =>
        Gen.OneOf(
            Gen.Elements(SipMethod.Invite, SipMethod.Ack, SipMethod.Bye, SipMethod.Cancel, SipMethod.Options, SipMethod.Register, SipMethod.Prack, SipMethod.Update),
            Token().Select(SipMethod.Parse));

    public static Gen<string> Host =>
        Gen.OneOf(
            from count in Gen.Choose(0, 3)
            from labels in Gen.ArrayOf(StringOf("abcdefghijklmnopqrstuvwxyz0123456789", 1, 8), count)
            from top in StringOf("abcdefghijklmnopqrstuvwxyz", 1, 6)
            select string.Join('.', [.. labels, top]),
            from parts in Gen.ArrayOf(Gen.Choose(0, 255), 4)
            select string.Join('.', parts),
            from count in Gen.Choose(1, 5)
            from groups in Gen.ArrayOf(Gen.Choose(0, 0xffff), count)
            select "[2001:db8::" + string.Join(':', groups.Select(g => g.ToString("x", CultureInfo.InvariantCulture))) + "]");

    public static Gen<int?> Port => Gen.OneOf(Gen.Constant((int?)null), Gen.Choose(1, 65535).Select(p => (int?)p));

    public static Gen<SipUri> SipUris(bool withHeaders) =>
        from secure in Gen.Elements(false, true)
        from user in OrNull(StringOf(TextCharacters, 1, 12).Select(SipUri.EscapeUser))
        from password in user is null ? Gen.Constant<string?>(null) : OrNull(StringOf(Alphanumeric + "&=+$,", 0, 6))
        from host in Host
        from port in Port
        from parameters in Parameters(UriParameterText, UriParameterText)
        from headers in withHeaders ? UriHeaders : Gen.Constant(SipParameters.Empty)
        select new SipUri
        {
            IsSecure = secure,
            User = user,
            Password = password,
            Host = host,
            Port = port,
            Parameters = parameters,
            Headers = headers,
        };

    public static Gen<MessageUri> Uris(bool withHeaders) =>
        Gen.Frequency(
            (5, SipUris(withHeaders).Select(u => (MessageUri)u)),
            (1, from number in StringOf("0123456789-", 1, 12)
                select (MessageUri)new OpaqueUri("tel", "+1" + number + ";phone-context=example.com")),
            (1, from id in StringOf(Alphanumeric + "-", 1, 20)
                select (MessageUri)new OpaqueUri("urn", "uuid:" + id)));

    public static Gen<NameAddress> NameAddresses =>
        from displayName in OrNull(StringOf(TextCharacters + "\t\0", 0, 16))
        from uri in Uris(withHeaders: true)
        from parameters in Parameters(Token(8), Gen.OneOf(Token(), QuotedString))
        select new NameAddress { DisplayName = displayName, Uri = uri, Parameters = parameters };

    public static Gen<Via> Vias =>
        from transport in Gen.Elements("UDP", "TCP", "TLS", "SCTP", "WS", "WSS")
        from host in Host
        from port in Port
        from branch in Token(16)
        from rport in Gen.Elements<string?>(null, "", "5060")
        from received in OrNull(Gen.ArrayOf(Gen.Choose(0, 255), 4).Select(p => string.Join('.', p)))
        from extra in Parameters(Token(8), Token())
        select new Via
        {
            Transport = transport,
            Host = host,
            Port = port,
            Parameters = WithOptional(WithOptional(SipParameters.Of([new SipParameter("branch", Via.MagicCookie + branch), .. extra]), "received", received), "rport", rport),
        };

    public static Gen<string> CallId =>
        from local in StringOf(WordCharacters, 1, 24)
        from host in OrNull(StringOf(WordCharacters, 1, 12))
        select host is null ? local : local + "@" + host;

    public static Gen<(string Name, string Value)> UnknownHeader =>
        from name in Token(12)
        from value in StringOf(TextCharacters, 0, 40)
        select ("X-" + name, value.Trim(' '));

    public static Gen<byte[]> Body => Gen.Frequency(
        (1, Gen.Constant(Array.Empty<byte>())),
        (2, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))));

    public static Gen<SipRequest> Request =>
        from method in Method
        from uri in Uris(withHeaders: false)
        from vias in Gen.NonEmptyListOf(Vias)
        from caller in NameAddresses
        from callee in NameAddresses
        from callId in CallId
        from number in Gen.Choose(0, int.MaxValue)
        from maxForwards in Gen.Choose(0, 255)
        from contacts in Gen.ListOf(NameAddresses)
        from routes in Gen.ListOf(NameAddresses.Select(r => r with { Uri = new SipUri { Host = "proxy.example.com", Parameters = SipParameters.Of(new SipParameter("lr", null)) } }))
        from unknown in Gen.ListOf(UnknownHeader)
        from body in Body
        select Build(method, uri, vias, caller, callee, callId, (uint)number, maxForwards, contacts, routes, unknown, body);

    public static Gen<SipResponse> Response =>
        from request in Request
        from status in Gen.Choose(100, 699)
        from reason in OrNull(StringOf(TextCharacters, 0, 30))
        from toTag in OrNull(Token())
        from body in Body
        select SipResponse.Create(request, status, reason, toTag).WithBody(body, body.Length == 0 ? null : "application/octet-stream");

    private static Gen<SipParameters> UriHeaders =>
        from items in Gen.ListOf(
            from name in StringOf(Alphanumeric, 1, 6)
            from value in StringOf(Alphanumeric + "-_.!~*'()[]/?:+$", 0, 8)
            select new SipParameter(name, value))
        select SipParameters.Of(items.Take(3));

    private static Gen<string> QuotedString =>
        StringOf(TextCharacters, 0, 10).Select(s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"");

    private static SipRequest Build(
        SipMethod method, MessageUri uri, IEnumerable<Via> vias, NameAddress from, NameAddress to, string callId, uint number,
        int maxForwards, IEnumerable<NameAddress> contacts, IEnumerable<NameAddress> routes, IEnumerable<(string Name, string Value)> unknown, byte[] body)
    {
        var request = SipRequest.Create(method, uri);
        foreach (var via in vias.Reverse())
        {
            request = request.PrependVia(via);
        }

        request = request
            .WithFrom(from)
            .WithTo(to)
            .WithCallId(callId)
            .WithCSeq(new CSeq(number, method))
            .WithMaxForwards(maxForwards)
            .WithContacts(contacts.Take(3))
            .WithRoutes(routes.Take(3));
        foreach (var (name, value) in unknown.Take(4))
        {
            request = request.AddHeader(name, value);
        }

        return request.WithBody(body, body.Length == 0 ? null : "application/octet-stream");
    }

    private static Gen<string> UriParameterText => StringOf(Alphanumeric + "-_.!~*'()[]/:&+$", 1, 8);

    private static Gen<SipParameters> Parameters(Gen<string> names, Gen<string> values) =>
        from items in Gen.ListOf(
            from name in names
            from value in OrNull(values)
            select new SipParameter(name, value))
        select SipParameters.Of(items.Take(4));

    private static SipParameters WithOptional(SipParameters parameters, string name, string? value) => value switch
    {
        null => parameters,
        "" => SipParameters.Of([.. parameters, new SipParameter(name, null)]),
        _ => SipParameters.Of([.. parameters, new SipParameter(name, value)]),
    };

    private static Gen<string?> OrNull(Gen<string> gen) =>
        Gen.Frequency((1, Gen.Constant<string?>(null)), (3, gen.Select(s => (string?)s)));

    private static Gen<string> StringOf(string characters, int minLength, int maxLength) =>
        from length in Gen.Choose(minLength, maxLength)
        from chars in Gen.ArrayOf(Gen.Elements(characters.ToCharArray()), length)
        select new string(chars);
}
