using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Which alert currently absorbs the matches of a rule and group key (alert.create with suppressFor), so a storm
/// of matches costs no query per match. Loaded at start-up, kept up to date as alerts open; the alert row stays
/// the truth (a closed alert found through the index is forgotten and a new one opens).
/// </summary>
public sealed class OpenAlertIndex
{
    private readonly ConcurrentDictionary<(string RuleId, string OrganizationId, string GroupKey), (string AlertId, DateTimeOffset SuppressUntil)> _open = new();

    // The organization is part of the key: a rule of every organization never counts one tenant's matches on another's alert.
    public string? Find(string ruleId, string organizationId, string groupKey, DateTimeOffset eventTime) =>
        _open.TryGetValue((ruleId, organizationId, groupKey), out var open) && open.SuppressUntil >= eventTime ? open.AlertId : null;

    public void Remember(string ruleId, string organizationId, string groupKey, string alertId, DateTimeOffset suppressUntil) =>
        _open[(ruleId, organizationId, groupKey)] = (alertId, suppressUntil);

    /// <summary>Up to <paramref name="limit"/> alerts still absorbing matches at <paramref name="eventTime"/>: what a unit of work loads in one query.</summary>
    public List<string> AbsorbingAt(DateTimeOffset eventTime, int limit) =>
        [.. _open.Values.Where(open => open.SuppressUntil >= eventTime).Select(open => open.AlertId).Distinct(StringComparer.Ordinal).Take(limit)];

    public void Forget(string ruleId, string organizationId, string groupKey) => _open.TryRemove((ruleId, organizationId, groupKey), out _);

    /// <summary>Drops entries whose window ended before <paramref name="eventTime"/> minus a day of late events.</summary>
    public void Prune(DateTimeOffset eventTime)
    {
        foreach (var (key, open) in _open)
            if (open.SuppressUntil < eventTime - TimeSpan.FromDays(1)) _open.TryRemove(key, out _);
    }
}
