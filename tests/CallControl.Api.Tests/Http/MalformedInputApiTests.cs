using System.Net;
using System.Text;
using System.Text.Json;
using CallControl.Testing;

namespace CallControl.Api.Tests.Http;

/// <summary>
/// Bad bodies on every POST/PUT that takes one: truncations, wrong types, huge values, control characters and
/// awkward unicode always answer a 4xx problem (400 naming the field, 413 when too large), never 5xx, and write nothing.
/// </summary>
public sealed class MalformedInputApiTests : IClassFixture<ApiHost>
{
    private const string UnicodeSmile = "\"\\ud83d\\ude00\"";

    private static readonly string[] WrongForString = ["1", "true", "[]", "{}", "[\"x\"]"];
    private static readonly string[] WrongForBool = ["\"true\"", "1", "null", "[]", "{}"];
    private static readonly string[] WrongForInt = ["2.5", "true", "null", "1e3", "99999999999", "[]"];
    private static readonly string[] WrongForObject = ["\"sip:alice@192.0.2.10\"", "[]", "1", "true"];

    private static readonly string[] ControlCharacters =
    [
        "\"\\u0000\"", "\"a\\u0007b\"", "\"\\u001b[31mred\"", "\"line\\nbreak\"", "\"tab\\there\"", "\"del\\u007f\"", "\"nel\\u0085\"",
    ];

    /// <summary>Unicode nobody may put where the contract wants ids, numbers, URIs, digits or enum names.</summary>
    private static readonly string[] UnicodeForSyntax =
    [
        UnicodeSmile, "\"\\u0645\\u0631\\u062d\\u0628\\u0627\"", "\"\\u202eabc\"", "\"e\\u0301\"", "\"\\ud800\"", "\"\\udfff\"",
        "\"+\\u0661\\u0665\\u0665\\u0665\\u0661\\u0662\\u0663\\u0664\\u0665\\u0666\\u0667\"", "\"\\uff0b\\uff11\\uff15\\uff15\\uff15\\uff11\\uff12\\uff13\\uff14\\uff15\\uff16\\uff17\"",
    ];

    /// <summary>Lone surrogates cannot be stored as text at all, free-text fields included.</summary>
    private static readonly string[] LoneSurrogates = ["\"\\ud800\"", "\"\\udfff\"", "\"a\\udc00b\"", "\"\\ud83d\""];

    private static readonly (string Description, string Body)[] NotAnObject =
    [
        ("an array", "[]"), ("a string", "\"hello\""), ("a number", "42"), ("true", "true"),
        ("a trailing comma", "{\"a\":1,}"), ("a comment", "{/* hi */}"), ("single quotes", "{'a':1}"), ("NaN", "{\"a\":NaN}"),
        ("two documents", "{} {}"), ("deep nesting", new string('[', 5000) + new string(']', 5000)),
        ("an unescaped control character", "{\"a\":\"x\u0001y\"}"), ("an invalid escape", "{\"a\":\"\\xff\"}"),
    ];

    private readonly ApiHost _host;

    public MalformedInputApiTests(ApiHost host) => _host = host;

    public static TheoryData<string> Endpoints => new(BodyEndpoint.All.Select(e => e.Name));

    public static TheoryData<string> EndpointsWithStrings => new(BodyEndpoint.All.Where(e => e.StringFields.Any()).Select(e => e.Name));

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task TheValidBodyOfTheSweepIsAcceptedSoTheSweepCanFail(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);
        using var client = _host.Client();

        using var response = await client.SendAsync(endpoint.Method, endpoint.Path(targets), endpoint.Render(targets));

        ((int)response.StatusCode).ShouldBeInRange(200, 299, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EveryTruncationOfAValidBodyIs400AndWritesNothing(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);
        var valid = endpoint.Render(targets);
        var cases = Enumerable.Range(endpoint.BodyOptional ? 1 : 0, valid.Length - (endpoint.BodyOptional ? 1 : 0))
            .Select(length => new Case($"prefix {length}", valid[..length], HttpStatusCode.BadRequest, null));

        await SweepAsync(endpoint, targets, cases);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AValueOfTheWrongTypeIs400NamingTheField(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);
        var cases = endpoint.Fields.SelectMany(field => WrongValuesFor(field.Kind).Select(value =>
            new Case($"{field.Path} = {value}", endpoint.Render(targets, field.Path, value), HttpStatusCode.BadRequest, field.Path)));

        await SweepAsync(endpoint, targets, cases);
    }

    [Theory]
    [MemberData(nameof(EndpointsWithStrings))]
    public async Task A10KilobyteStringIs400NamingTheField(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);
        var cases = endpoint.StringFields.Select(field =>
            new Case($"{field} of 10 KB", endpoint.Render(targets, field, $"\"{new string('9', 10 * 1024)}\""), HttpStatusCode.BadRequest, field));

        await SweepAsync(endpoint, targets, cases);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task ABodyOver64KibibytesIs413AndWritesNothing(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);

        // The answer's body is not checked here: see TheAnswerToABodyOver64KibibytesIsAPayloadTooLargeProblem.
        await SweepAsync(endpoint, targets, OversizedBodies(endpoint, targets), requireProblem: false);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task TheAnswerToABodyOver64KibibytesIsAPayloadTooLargeProblem(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);

        await SweepAsync(endpoint, targets, OversizedBodies(endpoint, targets));
    }

    [Fact]
    public async Task ANumberSentAsAStringIs400NamingTheField()
    {
        var endpoint = BodyEndpoint.Named("PUT agent");
        var targets = await Targets.CreateAsync(_host);

        await SweepAsync(endpoint, targets,
            [new Case("lineAppearances as a string", endpoint.Render(targets, "station.lineAppearances", "\"2\""), HttpStatusCode.BadRequest, "station.lineAppearances")]);
    }

    [Theory]
    [MemberData(nameof(EndpointsWithStrings))]
    public async Task ControlCharactersInAnyStringFieldAre400NamingTheField(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);
        var cases = endpoint.StringFields.SelectMany(field => ControlCharacters.Select(value =>
            new Case($"{field} = {value}", endpoint.Render(targets, field, value), HttpStatusCode.BadRequest, field)));

        await SweepAsync(endpoint, targets, cases);
    }

    [Theory]
    [MemberData(nameof(EndpointsWithStrings))]
    public async Task EmojiRtlCombiningMarksForeignDigitsAndLoneSurrogatesAre400WhereTheContractWantsSyntax(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);
        var cases = endpoint.Fields.Where(f => f.Kind == FieldKind.Syntax).SelectMany(field => UnicodeForSyntax.Select(value =>
                new Case($"{field.Path} = {value}", endpoint.Render(targets, field.Path, value), HttpStatusCode.BadRequest, field.Path)))
            .Concat(endpoint.Fields.Where(f => f.Kind == FieldKind.Text).SelectMany(field => LoneSurrogates.Select(value =>
                new Case($"{field.Path} = {value}", endpoint.Render(targets, field.Path, value), HttpStatusCode.BadRequest, field.Path))));

        await SweepAsync(endpoint, targets, cases);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task ABodyThatIsNotAJsonObjectIs400(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);
        var cases = NotAnObject.Select(c => new Case(c.Description, c.Body, HttpStatusCode.BadRequest, null));

        await SweepAsync(endpoint, targets, cases);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task AValidBodySentAsTextPlainIsRefusedWith4xx(string name)
    {
        var endpoint = BodyEndpoint.Named(name);
        var targets = await Targets.CreateAsync(_host);
        var before = await _host.CountWritesAsync();
        using var client = _host.Client();
        using var request = new HttpRequestMessage(endpoint.Method, endpoint.Path(targets))
        {
            Content = new StringContent(endpoint.Render(targets), Encoding.UTF8, "text/plain"),
        };

        using var response = await client.SendAsync(request);

        ((int)response.StatusCode).ShouldBeInRange(400, 499);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await _host.CountWritesAsync()).ShouldBe(before);
    }

    [Theory]
    [InlineData("\"\\ud83d\\ude00 Alice\"", "😀 Alice")]
    [InlineData("\"\\u0645\\u0631\\u062d\\u0628\\u0627\"", "مرحبا")]
    [InlineData("\"Zoe\\u0308 \\u05e9\\u05dc\\u05d5\\u05dd\"", "Zoe\u0308 \u05e9\u05dc\u05d5\u05dd")]
    [InlineData("\"\\u202eecilA\"", "\u202eecilA")]
    public async Task ADisplayNameInAnyScriptIsStoredExactlyAsSent(string json, string expected)
    {
        var agentId = ApiDriver.NewAgentId();
        using var client = _host.Client();

        using var put = await client.SendAsync(HttpMethod.Put, $"/api/v1/agents/{agentId}",
            $$$"""{"displayName":{{{json}}},"station":{"uri":"sip:alice@192.0.2.10"}}""");
        using var get = await client.GetAsync($"/api/v1/agents/{agentId}");

        put.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await get.ReadJsonAsync()).GetProperty("displayName").GetString().ShouldBe(expected);
    }

    [Fact]
    public async Task UnknownFieldsAreIgnored()
    {
        var targets = await Targets.CreateAsync(_host);
        using var client = _host.Client();

        using var response = await client.PostAsync(targets.Call.Customer("hold"), """{"music":false,"colour":"blue","nested":{"x":[1,2]}}""");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var stored = (await _host.ReadStreamAsync(targets.Call.Id))[^1];
        JsonDocument.Parse(stored.Data).RootElement.GetProperty("music").GetBoolean().ShouldBeFalse();
    }

    private static IEnumerable<Case> OversizedBodies(BodyEndpoint endpoint, Targets targets) => endpoint.StringFields
        .Select(field => new Case($"{field} of 100 KB", endpoint.Render(targets, field, $"\"{new string('9', 100 * 1024)}\""), HttpStatusCode.RequestEntityTooLarge, null))
        .Append(new Case("70 KB of whitespace", new string(' ', 70 * 1024) + endpoint.Render(targets), HttpStatusCode.RequestEntityTooLarge, null));

    private static string[] WrongValuesFor(FieldKind kind) => kind switch
    {
        FieldKind.Bool => WrongForBool,
        FieldKind.Int => WrongForInt,
        FieldKind.Object => WrongForObject,
        _ => WrongForString,
    };

    /// <summary>Sends every case; collects each one answered other than expected; and checks nothing was written.</summary>
    private async Task SweepAsync(BodyEndpoint endpoint, Targets targets, IEnumerable<Case> cases, bool requireProblem = true)
    {
        var before = await _host.CountWritesAsync();
        var conversationBefore = await _host.GetConversationAsync(targets.Call.Id);
        var unexpected = new List<string>();
        var count = 0;
        using var client = _host.Client();
        foreach (var @case in cases)
        {
            count++;
            using var response = await client.SendAsync(endpoint.Method, endpoint.Path(targets), @case.Body);
            var text = await response.Content.ReadAsStringAsync();
            if (Judge(response, text, @case, requireProblem) is { } problem)
            {
                unexpected.Add($"{@case.Description}: {(int)response.StatusCode} {problem} {Shorten(text)}");
            }
        }

        count.ShouldBeGreaterThan(0);
        unexpected.ShouldBeEmpty();
        (await _host.CountWritesAsync()).ShouldBe(before);
        (await _host.GetConversationAsync(targets.Call.Id)).GetRawText().ShouldBe(conversationBefore.GetRawText());
    }

    private static string? Judge(HttpResponseMessage response, string text, Case @case, bool requireProblem)
    {
        if (response.StatusCode != @case.Status)
        {
            return $"expected {(int)@case.Status}";
        }

        if (!requireProblem)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return "not problem+json";
        }

        using var document = JsonDocument.Parse(text);
        var code = @case.Status == HttpStatusCode.RequestEntityTooLarge ? "payload-too-large" : "validation";
        if (document.RootElement.GetProperty("type").GetString() != HttpExchange.ProblemPrefix + code)
        {
            return $"expected type {code}";
        }

        return @case.Field is not null
            && !(document.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(@case.Field, out _))
            ? $"errors do not name {@case.Field}"
            : null;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;

    private sealed record Case(string Description, string Body, HttpStatusCode Status, string? Field);

    /// <summary>Where the sweep's requests go: one valid request of each kind would act on these.</summary>
    private sealed record Targets(string AgentId, Call Call, Call Offer)
    {
        public static async Task<Targets> CreateAsync(ApiHost host)
        {
            var agentId = await host.PutAgentAsync();
            return new Targets(agentId, await host.StartConnectedCallAsync(agentId), await host.StartInboundOfferAsync(agentId));
        }
    }

    private enum FieldKind
    {
        /// <summary>Free text (names): any printable unicode is fine.</summary>
        Text,

        /// <summary>A string with a syntax: ids, URIs, numbers, digits, enum names.</summary>
        Syntax,
        Bool,
        Int,
        Object,
    }

    private sealed record Field(string Path, string ValidJson, FieldKind Kind);

    /// <summary>A POST/PUT that takes a JSON body, the body's fields, and how to render it with one field replaced.</summary>
    private sealed record BodyEndpoint(string Name, HttpMethod Method, Func<Targets, string> Path, bool BodyOptional, Field[] Fields)
    {
        public static IReadOnlyList<BodyEndpoint> All { get; } =
        [
            new("PUT agent", HttpMethod.Put, _ => $"/api/v1/agents/{ApiDriver.NewAgentId()}", false,
            [
                new("displayName", "\"Alice\"", FieldKind.Text),
                new("station", string.Empty, FieldKind.Object),
                new("station.uri", "\"sip:alice@192.0.2.10:5060\"", FieldKind.Syntax),
                new("station.lineAppearances", "2", FieldKind.Int),
                new("autoAnswer", "true", FieldKind.Bool),
            ]),
            new("POST conversations", HttpMethod.Post, _ => "/api/v1/conversations", false,
            [
                new("agentId", "{agent}", FieldKind.Syntax),
                new("to", "\"+15551234567\"", FieldKind.Syntax),
                new("from", "\"sip:support@192.0.2.1\"", FieldKind.Syntax),
                new("callerIdName", "\"Support\"", FieldKind.Text),
            ]),
            new("POST participant reject", HttpMethod.Post, t => t.Offer.Agent("reject"), true, [new("reason", "\"busy\"", FieldKind.Syntax)]),
            new("POST participant hold", HttpMethod.Post, t => t.Call.Customer("hold"), true, [new("music", "false", FieldKind.Bool)]),
            new("POST participant transfer", HttpMethod.Post, t => t.Call.Agent("transfer"), false,
            [
                new("to", "\"sip:carol@203.0.113.5\"", FieldKind.Syntax),
                new("kind", "\"consult\"", FieldKind.Syntax),
            ]),
            new("POST participant digits", HttpMethod.Post, t => t.Call.Customer("digits"), false, [new("digits", "\"12*#\"", FieldKind.Syntax)]),
            new("POST participant end", HttpMethod.Post, t => t.Call.Customer("end"), true, [new("reason", "\"success\"", FieldKind.Syntax)]),
            new("POST conversation recording", HttpMethod.Post, t => $"{t.Call.Path}/recording", false, [new("enabled", "true", FieldKind.Bool)]),
        ];

        public IEnumerable<string> StringFields => Fields.Where(f => f.Kind is FieldKind.Text or FieldKind.Syntax).Select(f => f.Path);

        public static BodyEndpoint Named(string name) => All.Single(e => e.Name == name);

        /// <summary>The valid body, or with the field at <paramref name="path"/> set to the raw JSON <paramref name="json"/>.</summary>
        public string Render(Targets targets, string? path = null, string? json = null)
        {
            var members = new List<string>();
            foreach (var group in Fields.Where(f => f.Kind != FieldKind.Object).GroupBy(f => f.Path.Split('.')[0]))
            {
                string value;
                if (group.Key == path)
                {
                    value = json!;
                }
                else if (group.First().Path.Contains('.', StringComparison.Ordinal))
                {
                    value = "{" + string.Join(",", group.Select(f => $"\"{f.Path.Split('.')[1]}\":{(f.Path == path ? json : f.ValidJson)}")) + "}";
                }
                else
                {
                    value = group.First().ValidJson;
                }

                members.Add($"\"{group.Key}\":{value.Replace("{agent}", $"\"{targets.AgentId}\"", StringComparison.Ordinal)}");
            }

            return "{" + string.Join(",", members) + "}";
        }

        public override string ToString() => Name;
    }
}
