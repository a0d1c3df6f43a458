using System.Globalization;
using System.Text;

namespace CallControl.Api.Tests.Observability.Metrics;

internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

internal sealed record PrometheusFamilyLine(string Kind, string Family, string Text);

/// <summary>
/// Reads text exposition format 0.0.4 strictly: anything malformed throws, so a test over the output fails on it.
/// </summary>
internal sealed class PrometheusTextParser
{
    private PrometheusTextParser(List<PrometheusSample> samples, List<PrometheusFamilyLine> familyLines)
    {
        Samples = samples;
        FamilyLines = familyLines;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>The HELP and TYPE lines in the order they appeared.</summary>
    public IReadOnlyList<PrometheusFamilyLine> FamilyLines { get; }

    public static PrometheusTextParser Parse(string text)
    {
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the exposition must end with a line feed");
        }

        var samples = new List<PrometheusSample>();
        var familyLines = new List<PrometheusFamilyLine>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0)
                {
                    throw new FormatException($"no text after the metric name: {line}");
                }

                var kind = line[2..6];
                var body = kind == "HELP" ? UnescapeHelp(rest[(space + 1)..]) : rest[(space + 1)..];
                familyLines.Add(new PrometheusFamilyLine(kind, rest[..space], body));
            }
            else if (!line.StartsWith('#'))
            {
                samples.Add(ParseSample(line));
            }
        }

        return new PrometheusTextParser(samples, familyLines);
    }

    public string? TypeOf(string family) =>
        FamilyLines.SingleOrDefault(line => line.Kind == "TYPE" && line.Family == family)?.Text;

    /// <summary>The value of the one sample with exactly these labels.</summary>
    public double Value(string name, params (string Name, string Value)[] labels) => Find(name, labels).Value;

    public PrometheusSample Find(string name, params (string Name, string Value)[] labels)
    {
        var matches = Samples.Where(sample => sample.Name == name && HasExactly(sample, labels)).ToList();
        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"{matches.Count} samples of {name} with labels {string.Join(",", labels)}");
    }

    public IReadOnlyList<PrometheusSample> All(string name) => Samples.Where(sample => sample.Name == name).ToList();

    private static bool HasExactly(PrometheusSample sample, (string Name, string Value)[] labels) =>
        sample.Labels.Count == labels.Length
        && labels.All(label => sample.Labels.TryGetValue(label.Name, out var value) && value == label.Value);

    private static PrometheusSample ParseSample(string line)
    {
        var position = 0;
        while (position < line.Length && line[position] is not ('{' or ' '))
        {
            position++;
        }

        var name = line[..position];
        if (name.Length == 0)
        {
            throw new FormatException($"no metric name: {line}");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (line[position] != '}')
            {
                var equals = line.IndexOf('=', position);
                var labelName = line[position..equals];
                if (line[equals + 1] != '"')
                {
                    throw new FormatException($"label value not quoted: {line}");
                }

                position = equals + 2;
                var value = new StringBuilder();
                while (line[position] != '"')
                {
                    if (line[position] == '\\')
                    {
                        value.Append(line[position + 1] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw new FormatException($"unknown escape \\{other}: {line}"),
                        });
                        position += 2;
                    }
                    else
                    {
                        value.Append(line[position]);
                        position++;
                    }
                }

                if (!labels.TryAdd(labelName, value.ToString()))
                {
                    throw new FormatException($"label {labelName} given twice: {line}");
                }

                position++;
                if (line[position] == ',')
                {
                    position++;
                }
                else if (line[position] != '}')
                {
                    throw new FormatException($"expected ',' or '}}' at {position}: {line}");
                }
            }

            position++;
        }

        if (position >= line.Length || line[position] != ' ')
        {
            throw new FormatException($"no value: {line}");
        }

        var valueText = line[(position + 1)..];
        if (valueText.Contains(' ', StringComparison.Ordinal))
        {
            throw new FormatException($"unexpected timestamp or trailing text: {line}");
        }

        return new PrometheusSample(name, labels, ParseValue(valueText));
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string UnescapeHelp(string text)
    {
        var output = new StringBuilder(text.Length);
        for (var position = 0; position < text.Length; position++)
        {
            if (text[position] != '\\')
            {
                output.Append(text[position]);
                continue;
            }

            position++;
            output.Append(text[position] switch
            {
                '\\' => '\\',
                'n' => '\n',
                var other => throw new FormatException($"unknown escape \\{other} in help text"),
            });
        }

        return output.ToString();
    }
}
