using System.Buffers;
using System.Collections.Concurrent;

namespace CallControl.Api.Observability.Metrics;

/// <summary>One metric family's time series, found by tag set without allocating once a series exists.</summary>
internal sealed class SeriesTable<TSeries>
    where TSeries : Series
{
    private const int StackTags = 8;
    private const int StackKeyLength = 256;

    private readonly ConcurrentDictionary<string, TSeries> _series = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TSeries>.AlternateLookup<ReadOnlySpan<char>> _byKey;
    private readonly Func<string, TSeries> _create;

    public SeriesTable(Func<string, TSeries> create)
    {
        _create = create;
        _byKey = _series.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public TSeries Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var order = tags.Length <= StackTags ? stackalloc int[StackTags] : new int[tags.Length];
        order = order[..tags.Length];
        SeriesKey.SortByName(tags, order);

        var key = (Span<char>)stackalloc char[StackKeyLength];
        char[]? rented = null;
        try
        {
            int written;
            while (!SeriesKey.TryWrite(tags, order, key, out written))
            {
                var larger = ArrayPool<char>.Shared.Rent(key.Length * 2);
                if (rented is not null)
                {
                    ArrayPool<char>.Shared.Return(rented);
                }

                rented = larger;
                key = larger;
            }

            return Find(key[..written], tags, order);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    public void Clear() => _series.Clear();

    /// <summary>The series ordered by label text, so every scrape lists them in the same order.</summary>
    public TSeries[] Snapshot()
    {
        var series = _series.Values.ToArray();
        Array.Sort(series, static (left, right) => string.CompareOrdinal(left.Labels, right.Labels));
        return series;
    }

    private TSeries Find(ReadOnlySpan<char> key, ReadOnlySpan<KeyValuePair<string, object?>> tags, ReadOnlySpan<int> order)
    {
        if (_byKey.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var created = _create(SeriesKey.RenderLabels(tags, order));
        while (!_byKey.TryAdd(key, created))
        {
            // Another thread added it first; its series has to win so no measurement lands in a lost object.
            if (_byKey.TryGetValue(key, out existing))
            {
                return existing;
            }
        }

        return created;
    }
}
