using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CallControl.Api.Tests.Hosting;

/// <summary>
/// No Docker engine runs where the tests run, so compose/compose.yaml is checked by reading it: the services,
/// health checks, build files, start order, variables and transport the deployment depends on.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string[] Services = ["postgres", "rabbitmq", "api", "media"];

    private readonly string _root = FindRepositoryRoot();
    private readonly string _composeDirectory;
    private readonly string _text;
    private readonly YamlMappingNode _services;

    public ComposeFileTests()
    {
        _composeDirectory = Path.Combine(_root, "compose");
        _text = File.ReadAllText(Path.Combine(_composeDirectory, "compose.yaml"));
        var stream = new YamlStream();
        stream.Load(new StringReader(_text));
        var document = (YamlMappingNode)stream.Documents.Single().RootNode;
        _services = (YamlMappingNode)document[new YamlScalarNode("services")];
    }

    [Fact]
    public void TheFileNamesPostgresRabbitMqApiAndMediaServices()
    {
        var names = _services.Children.Keys.Cast<YamlScalarNode>().Select(key => key.Value).ToArray();

        names.ShouldBe(Services, ignoreOrder: true);
    }

    [Fact]
    public void EveryServiceHasAHealthcheckWithATest()
    {
        foreach (var name in Services)
        {
            var healthcheck = Child(Service(name), "healthcheck").ShouldBeOfType<YamlMappingNode>($"{name} has no healthcheck");
            var test = Child(healthcheck, "test").ShouldBeOfType<YamlSequenceNode>($"{name}'s healthcheck has no test");
            test.Children.Count.ShouldBeGreaterThan(1, $"{name}'s healthcheck test is empty");
        }
    }

    [Theory]
    [InlineData("api", "CallControl.Api")]
    [InlineData("media", "CallControl.Media")]
    public void TheServiceIsBuiltFromADockerfileThatPublishesItsProject(string service, string project)
    {
        var build = Child(Service(service), "build").ShouldBeOfType<YamlMappingNode>($"{service} has no build section");
        var context = Path.GetFullPath(Path.Combine(_composeDirectory, Scalar(build, "context")));
        var dockerfile = Path.Combine(context, Scalar(build, "dockerfile"));

        context.ShouldBe(_root.TrimEnd(Path.DirectorySeparatorChar), "the build context must be the repository's root");
        File.Exists(dockerfile).ShouldBeTrue($"{dockerfile} does not exist");
        var text = File.ReadAllText(dockerfile);
        text.ShouldContain($"dotnet publish src/{project}/{project}.csproj");
        text.ShouldContain($"ENTRYPOINT [\"dotnet\", \"{project}.dll\"]");
    }

    [Theory]
    [InlineData("api.Dockerfile")]
    [InlineData("media.Dockerfile")]
    public void EverythingTheDockerfileCopiesFromTheContextExists(string dockerfile)
    {
        var copies = File.ReadLines(Path.Combine(_composeDirectory, dockerfile))
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from=", StringComparison.Ordinal))
            .ToArray();

        copies.ShouldNotBeEmpty();
        foreach (var copy in copies)
        {
            var words = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in words[1..^1])
            {
                var path = Path.Combine(_root, source);
                (File.Exists(path) || Directory.Exists(path)).ShouldBeTrue($"{dockerfile} copies {source}, which does not exist");
            }
        }

        File.Exists(Path.Combine(_composeDirectory, dockerfile + ".dockerignore"))
            .ShouldBeTrue("without it the host's bin/ and obj/ folders would be copied into the build");
    }

    [Fact]
    public void TheApiStartsOnceBothPostgresAndRabbitMqAreHealthy()
    {
        var dependsOn = Child(Service("api"), "depends_on").ShouldBeOfType<YamlMappingNode>("api's depends_on must name conditions");

        foreach (var dependency in new[] { "postgres", "rabbitmq" })
        {
            var entry = Child(dependsOn, dependency).ShouldBeOfType<YamlMappingNode>($"api does not depend on {dependency}");
            Scalar(entry, "condition").ShouldBe("service_healthy");
        }
    }

    [Fact]
    public void EveryVariableTheFileUsesIsInEnvExampleAndNoOtherIs()
    {
        var used = VariableReference().Matches(_text).Select(match => match.Groups["name"].Value).ToHashSet();
        var example = File.ReadLines(Path.Combine(_composeDirectory, ".env.example"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#') && line.Contains('='))
            .Select(line => line[..line.IndexOf('=', StringComparison.Ordinal)].Trim())
            .ToHashSet();

        used.ShouldNotBeEmpty();
        used.Except(example).ShouldBeEmpty("compose.yaml uses variables .env.example does not set");
        example.Except(used).ShouldBeEmpty(".env.example sets variables compose.yaml does not use");
    }

    [Theory]
    [InlineData("api")]
    [InlineData("media")]
    public void TheServiceTalksToTheOthersThroughTheRabbitMqService(string service)
    {
        var environment = EnvironmentOf(Service(service));

        environment["Messaging__Transport"].ShouldBe("RabbitMq");
        environment["Messaging__RabbitMq__Host"].ShouldBe("rabbitmq");
    }

    // ${NAME}, ${NAME:-default}, ${NAME?error} and $NAME, but not $${…} or $$NAME, which reach the container unexpanded.
    [GeneratedRegex(@"(?<!\$)\$(?:\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:[:?+-][^}]*)?\}|(?<name>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex VariableReference();

    private YamlMappingNode Service(string name) =>
        Child(_services, name).ShouldBeOfType<YamlMappingNode>($"compose.yaml has no service {name}");

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Scalar(YamlMappingNode mapping, string key) =>
        Child(mapping, key).ShouldBeOfType<YamlScalarNode>($"{key} is missing or not a scalar").Value ?? string.Empty;

    /// <summary>A service's environment in either of Compose's forms: a mapping, or a list of NAME=value.</summary>
    private static Dictionary<string, string> EnvironmentOf(YamlMappingNode service) => Child(service, "environment") switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(
            pair => ((YamlScalarNode)pair.Key).Value!,
            pair => ((YamlScalarNode)pair.Value).Value ?? string.Empty),
        YamlSequenceNode list => list.Children.Cast<YamlScalarNode>()
            .Select(item => item.Value!.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : string.Empty),
        _ => [],
    };

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CallControl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CallControl.sln above {AppContext.BaseDirectory}.");
    }
}
