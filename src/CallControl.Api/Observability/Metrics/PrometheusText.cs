using System.Globalization;
using System.Text;

namespace CallControl.Api.Observability.Metrics;

/// <summary>Spelling rules of the Prometheus text exposition format, version 0.0.4.</summary>
internal static class PrometheusText
{
    public static void AppendValue(StringBuilder output, double value)
    {
        if (double.IsNaN(value))
        {
            output.Append("NaN");
        }
        else if (double.IsPositiveInfinity(value))
        {
            output.Append("+Inf");
        }
        else if (double.IsNegativeInfinity(value))
        {
            output.Append("-Inf");
        }
        else
        {
            // The shortest text that parses back to the same double, never a culture's decimal comma.
            output.Append(CultureInfo.InvariantCulture, $"{value}");
        }
    }

    public static string FormatValue(double value)
    {
        var output = new StringBuilder();
        AppendValue(output, value);
        return output.ToString();
    }

    public static void AppendLabelValue(StringBuilder output, string value) => AppendEscaped(output, value, escapeQuote: true);

    /// <summary>Help text escapes backslash and line feed only; a double quote stays as it is.</summary>
    public static void AppendHelp(StringBuilder output, string help) => AppendEscaped(output, help, escapeQuote: false);

    private static void AppendEscaped(StringBuilder output, string text, bool escapeQuote)
    {
        foreach (var character in text)
        {
            switch (character)
            {
                case '\\':
                    output.Append(@"\\");
                    break;
                case '"' when escapeQuote:
                    output.Append("\\\"");
                    break;
                case '\n':
                    output.Append(@"\n");
                    break;
                default:
                    output.Append(character);
                    break;
            }
        }
    }

    /// <summary>Metric names allow <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>; anything else (such as OpenTelemetry's dots) becomes '_'.</summary>
    public static string MetricName(string name) => Sanitize(name, allowColon: true);

    /// <summary>Label names allow <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    public static string LabelName(string name) => Sanitize(name, allowColon: false);

    private static string Sanitize(string name, bool allowColon)
    {
        if (name.Length == 0)
        {
            return "_";
        }

        var needsPrefix = char.IsAsciiDigit(name[0]);
        var clean = !needsPrefix;
        foreach (var character in name)
        {
            clean &= IsAllowed(character, allowColon);
        }

        if (clean)
        {
            return name;
        }

        var output = new StringBuilder(name.Length + 1);
        if (needsPrefix)
        {
            output.Append('_');
        }

        foreach (var character in name)
        {
            output.Append(IsAllowed(character, allowColon) ? character : '_');
        }

        return output.ToString();
    }

    private static bool IsAllowed(char character, bool allowColon) =>
        char.IsAsciiLetterOrDigit(character) || character == '_' || (allowColon && character == ':');
}
