namespace Respond.Workflows.Runtime.Ports;

/// <summary>
/// Which window: one per rule version's threshold/correlate node and group key. Its hash is computed once: a window is
/// looked up several times per event it counts (the read, the unit's undo record, the write).
/// </summary>
public sealed record WindowKey
{
    private readonly int hash;

    public WindowKey(string ruleId, string nodeId, string groupKey)
    {
        RuleId = ruleId;
        NodeId = nodeId;
        GroupKey = groupKey;
        hash = HashCode.Combine(ruleId, nodeId, groupKey);
    }

    public string RuleId { get; }

    public string NodeId { get; }

    public string GroupKey { get; }

    public bool Equals(WindowKey? other) =>
        other is not null && hash == other.hash && RuleId == other.RuleId && NodeId == other.NodeId && GroupKey == other.GroupKey;

    public override int GetHashCode() => hash;
}

/// <summary>One counted event in a window; <c>Signal</c> names the correlate signal it matched (null for thresholds).</summary>
public sealed record WindowEntry(DateTimeOffset Time, string EventId, string? Signal);

/// <summary>
/// What counting an event in a threshold window found: how many events the window holds with it and, when that reached
/// the count (the window is then emptied, so the group starts afresh), those events.
/// </summary>
public readonly record struct WindowCount(int Count, IReadOnlyList<WindowEntry>? Reached);

/// <summary>
/// State of sliding windows (condition.threshold, condition.correlate), kept across a restart by the
/// server's implementation. Windows run on event time, so the same events give the same answer live and in a backtest.
/// One evaluation at a time uses a store: the server's windows belong to an organization's partition, whose lock every
/// unit of work holds, and a dry run or backtest has a store of its own. Blocks read and write a window without a lock.
/// </summary>
public interface IWindowStore
{
    ValueTask<IReadOnlyList<WindowEntry>> GetAsync(WindowKey key, CancellationToken ct);

    /// <summary>Replaces the entries of a window; an empty list removes it.</summary>
    ValueTask SetAsync(WindowKey key, IReadOnlyList<WindowEntry> entries, CancellationToken ct);

    /// <summary>
    /// Counts an event in a threshold window: drops the entries older than <paramref name="length"/> before
    /// <paramref name="time"/> (later ones stay: an event that arrived out of order), adds the event unless the window
    /// holds its id already (an event evaluated again is not counted twice), and returns the count. When it reaches
    /// <paramref name="reachAt"/>, the window is emptied and its entries returned. A store may do this without reading
    /// the window into entries; it must give the same answer and leave the same window as this.
    /// </summary>
    async ValueTask<WindowCount> CountAsync(WindowKey key, DateTimeOffset time, string eventId, TimeSpan length, int reachAt, CancellationToken ct)
    {
        var entries = SlidingWindow.Prune(await GetAsync(key, ct).ConfigureAwait(false), time, length);
        if (!Holds(entries, eventId))
        {
            entries.Add(new WindowEntry(time, eventId, null));
        }
        var reached = entries.Count >= reachAt;
        await SetAsync(key, reached ? [] : entries, ct).ConfigureAwait(false);
        return new WindowCount(entries.Count, reached ? entries : null);
    }

    // A loop, not Any(): this runs for every event a threshold rule sees, and a lambda over the list allocated a closure and an enumerator each time.
    private static bool Holds(List<WindowEntry> entries, string eventId)
    {
        foreach (var entry in entries)
        {
            if (entry.EventId == eventId)
            {
                return true;
            }
        }
        return false;
    }
}
