using System.Collections;
using System.Collections.Immutable;
using System.Text;

namespace CallControl.Media.Sip.Messages;

/// <summary>
/// An ordered, immutable list of parameters with case-insensitive lookup by name. Equality compares the
/// parameters in order, names ignoring case and values exactly.
/// </summary>
public sealed class SipParameters : IReadOnlyList<SipParameter>, IEquatable<SipParameters>
{
    private readonly ImmutableArray<SipParameter> _items;

    private SipParameters(ImmutableArray<SipParameter> items) => _items = items;

    /// <summary>No parameters.</summary>
    public static SipParameters Empty { get; } = new([]);

    public int Count => _items.Length;

    public SipParameter this[int index] => _items[index];

    /// <summary>The value of the first parameter named <paramref name="name"/>; null when absent or a flag.</summary>
    public string? this[string name] => TryGetValue(name, out var value) ? value : null;

    /// <summary>Builds a list from the given parameters, in order.</summary>
    public static SipParameters Of(params IEnumerable<SipParameter> parameters)
    {
        var items = parameters.ToImmutableArray();
        return items.IsEmpty ? Empty : new SipParameters(items);
    }

    /// <summary>True when a parameter of that name is present, with or without a value.</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Finds the first parameter named <paramref name="name"/>; its value is null for a flag.</summary>
    public bool TryGetValue(string name, out string? value)
    {
        var index = IndexOf(name);
        value = index >= 0 ? _items[index].Value : null;
        return index >= 0;
    }

    /// <summary>Returns a copy where the first parameter of that name has the new value, or it is appended.</summary>
    public SipParameters Set(string name, string? value)
    {
        var index = IndexOf(name);
        var parameter = new SipParameter(name, value);
        return new SipParameters(index >= 0 ? _items.SetItem(index, parameter) : _items.Add(parameter));
    }

    /// <summary>Returns a copy without any parameter of that name.</summary>
    public SipParameters Remove(string name)
    {
        var kept = _items.RemoveAll(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return kept.IsEmpty ? Empty : new SipParameters(kept);
    }

    public ImmutableArray<SipParameter>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<SipParameter> IEnumerable<SipParameter>.GetEnumerator() => ((IEnumerable<SipParameter>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)_items).GetEnumerator();

    public bool Equals(SipParameters? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            var (a, b) = (_items[i], other._items[i]);
            if (!string.Equals(a.Name, b.Name, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(a.Value, b.Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as SipParameters);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item.Name, StringComparer.OrdinalIgnoreCase);
            hash.Add(item.Value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The parameters as written in a message, each with its leading <c>;</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        AppendTo(text, ';');
        return text.ToString();
    }

    internal void AppendTo(StringBuilder text, char separator)
    {
        foreach (var item in _items)
        {
            text.Append(separator).Append(item.Name);
            if (item.Value is not null)
            {
                text.Append('=').Append(item.Value);
            }
        }
    }

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
