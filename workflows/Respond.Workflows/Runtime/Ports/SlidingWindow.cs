namespace Respond.Workflows.Runtime.Ports;

/// <summary>The event-time window shared by <c>condition.threshold</c> and <c>condition.correlate</c>.</summary>
internal static class SlidingWindow
{
    /// <summary>
    /// Keeps the entries no older than <paramref name="window"/> before <paramref name="now"/> (event time). Entries
    /// later than now (an event that arrived out of order) are kept: they are still inside someone's window.
    /// </summary>
    public static List<WindowEntry> Prune(IReadOnlyList<WindowEntry> entries, DateTimeOffset now, TimeSpan window)
    {
        var from = now - window;
        var kept = new List<WindowEntry>(entries.Count + 1);
        // Indexed: a foreach over the interface boxes an enumerator, once per event a window sees.
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Time >= from)
            {
                kept.Add(entries[i]);
            }
        }
        return kept;
    }
}
