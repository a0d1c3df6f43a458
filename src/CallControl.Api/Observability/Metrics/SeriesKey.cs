using System.Globalization;
using System.Text;

namespace CallControl.Api.Observability.Metrics;

/// <summary>
/// Identifies a time series by its tags, independent of the order a caller passed them in. The key is written into a
/// caller-provided buffer so that recording into an existing series allocates nothing.
/// </summary>
internal static class SeriesKey
{
    /// <summary>Fills <paramref name="order"/> with the indexes of <paramref name="tags"/> sorted by tag name (stable).</summary>
    public static void SortByName(ReadOnlySpan<KeyValuePair<string, object?>> tags, Span<int> order)
    {
        for (var current = 0; current < order.Length; current++)
        {
            var slot = current;
            while (slot > 0 && string.CompareOrdinal(tags[order[slot - 1]].Key, tags[current].Key) > 0)
            {
                order[slot] = order[slot - 1];
                slot--;
            }

            order[slot] = current;
        }
    }

    /// <summary>
    /// Writes every name and value with a length prefix, so no tag text, whatever characters it holds, can make two
    /// different tag sets produce the same key. Returns false when <paramref name="destination"/> is too small.
    /// </summary>
    public static bool TryWrite(
        ReadOnlySpan<KeyValuePair<string, object?>> tags, ReadOnlySpan<int> order, Span<char> destination, out int written)
    {
        written = 0;
        foreach (var index in order)
        {
            var tag = tags[index];
            if (!TryWriteText(tag.Key, destination, ref written) || !TryWriteValue(tag.Value, destination, ref written))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The label text of a series: <c>name="value",…</c> in the key's order, names sanitized, values escaped.</summary>
    public static string RenderLabels(ReadOnlySpan<KeyValuePair<string, object?>> tags, ReadOnlySpan<int> order)
    {
        if (order.IsEmpty)
        {
            return string.Empty;
        }

        var output = new StringBuilder();
        foreach (var index in order)
        {
            if (output.Length > 0)
            {
                output.Append(',');
            }

            output.Append(PrometheusText.LabelName(tags[index].Key)).Append("=\"");
            PrometheusText.AppendLabelValue(output, ValueText(tags[index].Value));
            output.Append('"');
        }

        return output.ToString();
    }

    // Must agree with TryWriteValue: a formattable value without a format is the same text either way.
    private static string ValueText(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static bool TryWriteValue(object? value, Span<char> destination, ref int written)
    {
        switch (value)
        {
            case null:
                return TryWriteText([], destination, ref written);
            case string text:
                return TryWriteText(text, destination, ref written);
            case ISpanFormattable formattable:
                if (destination.Length - written < 2
                    || !formattable.TryFormat(destination[(written + 2)..], out var length, default, CultureInfo.InvariantCulture))
                {
                    return false;
                }

                WriteLength(destination, written, length);
                written += length + 2;
                return true;
            default:
                return TryWriteText(ValueText(value), destination, ref written);
        }
    }

    private static bool TryWriteText(ReadOnlySpan<char> text, Span<char> destination, ref int written)
    {
        if (destination.Length - written < text.Length + 2)
        {
            return false;
        }

        WriteLength(destination, written, text.Length);
        text.CopyTo(destination[(written + 2)..]);
        written += text.Length + 2;
        return true;
    }

    private static void WriteLength(Span<char> destination, int at, int length)
    {
        destination[at] = (char)(length >> 16);
        destination[at + 1] = (char)(length & 0xFFFF);
    }
}
