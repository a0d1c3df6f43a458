namespace CallControl.Media.Sip.Transactions;

/// <summary>
/// A dictionary cut into shards by key hash, each behind its own short lock, so that the lookups of one
/// call never wait behind those of another. No lock is held while anything else runs.
/// </summary>
internal sealed class ShardedTable<TKey, TValue>
    where TKey : notnull
    where TValue : class
{
    private const int ShardCount = 32;

    private readonly Shard[] _shards;

    public ShardedTable()
    {
        _shards = new Shard[ShardCount];
        for (var i = 0; i < _shards.Length; i++)
        {
            _shards[i] = new Shard();
        }
    }

    public int Count
    {
        get
        {
            var count = 0;
            foreach (var shard in _shards)
            {
                lock (shard.Gate)
                {
                    count += shard.Items.Count;
                }
            }

            return count;
        }
    }

    public TValue? Find(TKey key)
    {
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            return shard.Items.GetValueOrDefault(key);
        }
    }

    /// <summary>Adds <paramref name="value"/> unless the key is taken; returns what the table holds for the key afterwards.</summary>
    public TValue GetOrAdd(TKey key, TValue value)
    {
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            if (shard.Items.TryGetValue(key, out var existing))
            {
                return existing;
            }

            shard.Items.Add(key, value);
            return value;
        }
    }

    /// <summary>Removes the key only while it still maps to <paramref name="value"/>.</summary>
    public void Remove(TKey key, TValue value)
    {
        var shard = ShardOf(key);
        lock (shard.Gate)
        {
            if (shard.Items.TryGetValue(key, out var existing) && ReferenceEquals(existing, value))
            {
                shard.Items.Remove(key);
            }
        }
    }

    private Shard ShardOf(TKey key) => _shards[(int)((uint)key.GetHashCode() % ShardCount)];

    private sealed class Shard
    {
        public Lock Gate { get; } = new();

        public Dictionary<TKey, TValue> Items { get; } = [];
    }
}
