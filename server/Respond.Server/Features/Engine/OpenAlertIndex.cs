using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Which alert currently absorbs the matches of a rule and group key (alert.create with suppressFor), so a storm
/// of matches costs no query per match. Loaded at start-up, kept up to date as alerts open; the alert row stays
/// the truth (a closed alert found through the index is forgotten and a new one opens). One per partition, read and
/// changed under the partition's lock only, so plain dictionaries: a ConcurrentDictionary allocates a node per entry,
/// and a new one each time a unit updates an alert's remembered state.
/// </summary>
public sealed class OpenAlertIndex
{
    private readonly Dictionary<(string RuleId, string OrganizationId, string GroupKey), (string AlertId, DateTimeOffset SuppressUntil)> _open = [];
    private readonly Dictionary<string, AbsorbingAlert> _committed = new(StringComparer.Ordinal);

    // The organization is part of the key: a rule of every organization never counts one tenant's matches on another's alert.
    public string? Find(string ruleId, string organizationId, string groupKey, DateTimeOffset eventTime) =>
        _open.TryGetValue((ruleId, organizationId, groupKey), out var open) && open.SuppressUntil >= eventTime ? open.AlertId : null;

    public void Remember(string ruleId, string organizationId, string groupKey, string alertId, DateTimeOffset suppressUntil) =>
        _open[(ruleId, organizationId, groupKey)] = (alertId, suppressUntil);

    /// <summary>Up to <paramref name="limit"/> alerts still absorbing matches at <paramref name="eventTime"/>: what a unit of work loads in one query.</summary>
    public List<string> AbsorbingAt(DateTimeOffset eventTime, int limit) =>
        [.. _open.Values.Where(open => open.SuppressUntil >= eventTime).Select(open => open.AlertId).Distinct(StringComparer.Ordinal).Take(limit)];

    public void Forget(string ruleId, string organizationId, string groupKey)
    {
        if (_open.Remove((ruleId, organizationId, groupKey), out var open)) _committed.Remove(open.AlertId);
    }

    /// <summary>
    /// What this partition last committed of an absorbing alert, so the next unit attaches it without reading it. An
    /// analyst's acknowledgement or close changes the row's version: the unit's update then fails its concurrency check,
    /// the unit rolls back (<see cref="ForgetCommitted"/>) and is evaluated again on the row.
    /// </summary>
    public AbsorbingAlert? CommittedState(string alertId) => _committed.TryGetValue(alertId, out var known) ? known : null;

    /// <summary>After a unit's commit: the absorbing alerts it wrote (or read), as stored now (a closed one absorbs nothing more).</summary>
    public void Committed(IEnumerable<Alert> alerts)
    {
        foreach (var alert in alerts)
            if (alert.Status != AlertStatus.Closed)
                _committed[alert.Id] = new AbsorbingAlert(alert.Id, alert.OrganizationId, alert.Status, alert.Count, alert.LastEventAt, alert.Version,
                    alert.EventIdsFull ? null : alert.EventIds);
    }

    /// <summary>After a unit failed: nothing remembered is trusted, the next unit reads the rows again.</summary>
    public void ForgetCommitted() => _committed.Clear();

    /// <summary>Drops entries whose window ended before <paramref name="eventTime"/> minus a day of late events.</summary>
    public void Prune(DateTimeOffset eventTime)
    {
        foreach (var (key, open) in _open)
            if (open.SuppressUntil < eventTime - TimeSpan.FromDays(1) && _open.Remove(key)) _committed.Remove(open.AlertId);
    }
}

/// <summary>
/// The part of a stored alert that absorbing a match reads and changes (<see cref="Alert.Absorbing"/>): its event ids
/// while they still grow (up to <see cref="Alert.MaxMatchedEventIds"/>), none once they are full.
/// </summary>
public readonly record struct AbsorbingAlert(string Id, string OrganizationId, AlertStatus Status, int Count, DateTimeOffset LastEventAt, int Version,
    IReadOnlyList<string>? EventIds);
