using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace CallControl.Domain;

/// <summary>
/// An immutable list that compares by its items. Records holding lists stay comparable by value, which
/// the desk projection relies on to tell whether an agent's view changed and the tests rely on to compare folds.
/// </summary>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly ImmutableArray<T> _items;

    private ValueList(ImmutableArray<T> items) => _items = items;

    public static ValueList<T> Empty { get; } = new(ImmutableArray<T>.Empty);

    public int Count => _items.Length;

    public T this[int index] => _items[index];

    public static ValueList<T> From(ImmutableArray<T> items) => items.IsDefaultOrEmpty ? Empty : new(items);

    public ValueList<T> Add(T item) => new(_items.Add(item));

    public ValueList<T> SetItem(int index, T item) => new(_items.SetItem(index, item));

    public int FindIndex(Func<T, bool> match)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (match(_items[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Removes the first item that matches; the list itself when none does.</summary>
    public ValueList<T> RemoveFirst(Func<T, bool> match)
    {
        var index = FindIndex(match);
        return index < 0 ? this : From(_items.RemoveAt(index));
    }

    public ValueList<T> RemoveAll(Func<T, bool> match)
    {
        var kept = _items.RemoveAll(item => match(item));
        return kept.Length == _items.Length ? this : From(kept);
    }

    public ImmutableArray<T>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable)_items).GetEnumerator();

    public bool Equals(ValueList<T>? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return _items.AsSpan().SequenceEqual(other._items.AsSpan(), EqualityComparer<T>.Default);
    }

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(", ", _items)}]";
}

public static class ValueList
{
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) =>
        items.IsEmpty ? ValueList<T>.Empty : ValueList<T>.From(ImmutableArray.Create(items));
}
