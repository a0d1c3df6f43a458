namespace CallControl.Api.EventStore;

public static class Appends
{
    /// <summary>
    /// Splits events read in log order into appends: each group is one stream's events of one transaction,
    /// which the store always writes together (one append is one transaction).
    /// </summary>
    public static IEnumerable<List<StoredEvent>> Of(IReadOnlyList<StoredEvent> events)
    {
        var start = 0;
        while (start < events.Count)
        {
            var end = start + 1;
            while (end < events.Count && events[end].TxId == events[start].TxId && events[end].StreamId == events[start].StreamId
                && events[end].TenantId == events[start].TenantId)
            {
                end++;
            }

            var group = new List<StoredEvent>(end - start);
            for (var i = start; i < end; i++)
            {
                group.Add(events[i]);
            }

            yield return group;
            start = end;
        }
    }
}
