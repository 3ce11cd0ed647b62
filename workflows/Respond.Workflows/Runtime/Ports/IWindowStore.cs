namespace Respond.Workflows.Runtime.Ports;

/// <summary>Which window: one per rule version's threshold/correlate node and group key.</summary>
public sealed record WindowKey(string RuleId, string NodeId, string GroupKey);

/// <summary>One counted event in a window; <c>Signal</c> names the correlate signal it matched (null for thresholds).</summary>
public sealed record WindowEntry(DateTimeOffset Time, string EventId, string? Signal);

/// <summary>
/// State of sliding windows (condition.threshold, condition.correlate), kept across a restart by the
/// server's implementation. Windows run on event time, so the same events give the same answer live and in a backtest.
/// </summary>
public interface IWindowStore
{
    ValueTask<IReadOnlyList<WindowEntry>> GetAsync(WindowKey key, CancellationToken ct);

    /// <summary>Replaces the entries of a window; an empty list removes it.</summary>
    ValueTask SetAsync(WindowKey key, IReadOnlyList<WindowEntry> entries, CancellationToken ct);
}
