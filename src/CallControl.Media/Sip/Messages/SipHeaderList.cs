using System.Collections;
using System.Collections.Immutable;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// The header fields of a message in order, immutable. Lookups take a name in any case or compact
/// form. Equality compares the fields in order.
/// </summary>
public sealed class SipHeaderList : IReadOnlyList<SipHeader>, IEquatable<SipHeaderList>
{
    private readonly ImmutableArray<SipHeader> _items;

    private SipHeaderList(ImmutableArray<SipHeader> items) => _items = items;

    public static SipHeaderList Empty { get; } = new([]);

    public int Count => _items.Length;

    public SipHeader this[int index] => _items[index];

    /// <summary>Builds a list from headers, in order.</summary>
    public static SipHeaderList Of(params IEnumerable<SipHeader> headers) => new([.. headers]);

    /// <summary>The first header of that name, or null.</summary>
    public SipHeader? First(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        foreach (var header in _items)
        {
            if (IsNamed(header, canonical))
            {
                return header;
            }
        }

        return null;
    }

    /// <summary>Every header of that name, in order.</summary>
    public IEnumerable<SipHeader> All(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        return _items.Where(header => IsNamed(header, canonical));
    }

    /// <summary>How many headers have that name.</summary>
    public int CountOf(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        var count = 0;
        foreach (var header in _items)
        {
            count += IsNamed(header, canonical) ? 1 : 0;
        }

        return count;
    }

    public bool Contains(string name) => First(name) is not null;

    /// <summary>A copy with the header appended.</summary>
    public SipHeaderList Add(SipHeader header) => new(_items.Add(header));

    /// <summary>A copy with the header first (a new top Via goes here).</summary>
    public SipHeaderList Prepend(SipHeader header) => new(_items.Insert(0, header));

    /// <summary>
    /// A copy where the header takes the place of the first header of its name and any others of that
    /// name are removed; appended when there were none.
    /// </summary>
    public SipHeaderList Set(SipHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var index = IndexOf(header.Name);
        if (index < 0)
        {
            return Add(header);
        }

        var builder = ImmutableArray.CreateBuilder<SipHeader>(_items.Length);
        for (var i = 0; i < _items.Length; i++)
        {
            if (i == index)
            {
                builder.Add(header);
            }
            else if (!IsNamed(_items[i], header.Name))
            {
                builder.Add(_items[i]);
            }
        }

        return new SipHeaderList(builder.ToImmutable());
    }

    /// <summary>A copy without any header of that name.</summary>
    public SipHeaderList Remove(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        return new SipHeaderList(_items.RemoveAll(header => IsNamed(header, canonical)));
    }

    /// <summary>A copy without the first header of that name (removing the top Via, for instance).</summary>
    public SipHeaderList RemoveFirst(string name)
    {
        var index = IndexOf(name);
        return index < 0 ? this : new SipHeaderList(_items.RemoveAt(index));
    }

    public ImmutableArray<SipHeader>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<SipHeader> IEnumerable<SipHeader>.GetEnumerator() => ((IEnumerable<SipHeader>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)_items).GetEnumerator();

    public bool Equals(SipHeaderList? other) => other is not null && _items.SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as SipHeaderList);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    private int IndexOf(string name)
    {
        var canonical = SipHeaderNames.Canonicalize(name);
        for (var i = 0; i < _items.Length; i++)
        {
            if (IsNamed(_items[i], canonical))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsNamed(SipHeader header, string canonical) =>
        ReferenceEquals(header.Name, canonical) || string.Equals(header.Name, canonical, StringComparison.OrdinalIgnoreCase);
}
