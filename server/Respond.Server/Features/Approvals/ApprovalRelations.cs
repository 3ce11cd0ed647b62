using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Events;
using Respond.Server.GraphQL;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Approvals;

/// <summary>
/// The per-request loader of what an approval request shows beside its own columns: its rule's name, its alert, its
/// evidence event and the reasons its actions were held. Requests a list returned (the inbox page, an alert's requests)
/// load each relation for the whole list the first time one of them asks, in one query: a page of 50 requests with
/// every field costs four queries, not 300. Any other request (a mutation payload, a subscription event) reads its
/// own, uncached, so a mutation later in the same document never sees what an earlier field loaded. Scoped like the
/// DbContext; query fields run one at a time (the same pattern as <c>RuleRelations</c>).
/// </summary>
public sealed class ApprovalRelations(RespondDbContext db)
{
    private readonly ListedRows<ApprovalRequest> _listed = new(r => r.Id);
    private IReadOnlyDictionary<string, string>? _ruleNames;
    private IReadOnlyDictionary<string, Alert>? _alerts;
    private IReadOnlyDictionary<(string OrganizationId, string EventId), StoredEvent>? _events;
    private ILookup<string, string>? _actionReasons;

    /// <summary>Requests a list field returned: their relations load together when the first is asked for.</summary>
    public void Listed(IEnumerable<ApprovalRequest> requests)
    {
        _listed.Add(requests);
        (_ruleNames, _alerts, _events, _actionReasons) = (null, null, null, null);
    }

    /// <summary>The name of the rule the request comes from, as it is now (null: no rule, or deleted).</summary>
    public async Task<string?> RuleNameAsync(ApprovalRequest request, CancellationToken ct) =>
        request.RuleId is { } id && (await RuleNamesAsync(request, ct)).TryGetValue(id, out var name) ? name : null;

    /// <summary>The alert the request belongs to, in the request's organization.</summary>
    public async Task<Alert?> AlertAsync(ApprovalRequest request, CancellationToken ct) =>
        request.AlertId is { } id && (await AlertsAsync(request, ct)).TryGetValue(id, out var alert) && alert.OrganizationId == request.OrganizationId
            ? alert : null;

    /// <summary>The gate's event, else the first event of its alert (null for a person's own submission).</summary>
    public async Task<StoredEvent?> EvidenceAsync(ApprovalRequest request, CancellationToken ct)
    {
        var listed = _listed.Contains(request);
        var events = listed ? _events : null;
        if (events is null)
        {
            var wanted = new List<(string OrganizationId, string EventId)>();
            foreach (var r in _listed.BatchOf(request))
                if (await EvidenceEventIdAsync(r, ct) is { } eventId) wanted.Add((r.OrganizationId, eventId));
            var organizationIds = wanted.Select(w => w.OrganizationId).Distinct().ToList();
            var eventIds = wanted.Select(w => w.EventId).Distinct().ToList();
            var found = eventIds.Count == 0 ? [] : await db.Events.AsNoTracking()
                .Where(e => organizationIds.Contains(e.OrganizationId) && eventIds.Contains(e.EventId)).ToListAsync(ct);
            events = found.GroupBy(e => (e.OrganizationId, e.EventId)).ToDictionary(g => g.Key, g => g.MinBy(e => e.Sequence)!);
            if (listed) _events = events;
        }
        return await EvidenceEventIdAsync(request, ct) is { } id && events.TryGetValue((request.OrganizationId, id), out var stored) ? stored : null;
    }

    /// <summary>Why the request needs a person, with the rule named by its name.</summary>
    public async Task<ApprovalExplanation> ExplanationAsync(ApprovalRequest request, CancellationToken ct)
    {
        var ruleName = await RuleNameAsync(request, ct);
        var listed = _listed.Contains(request);
        var reasons = listed ? _actionReasons : null;
        if (reasons is null)
        {
            var ids = _listed.BatchOf(request).Select(r => r.Id).ToList();
            reasons = (await db.ResponseActions.AsNoTracking()
                    .Where(a => a.ApprovalRequestId != null && ids.Contains(a.ApprovalRequestId) && a.ApprovalReason != null)
                    .Select(a => new { RequestId = a.ApprovalRequestId!, Reason = a.ApprovalReason! }).ToListAsync(ct))
                .ToLookup(a => a.RequestId, a => a.Reason, StringComparer.Ordinal);
            if (listed) _actionReasons = reasons;
        }
        return ApprovalExplanation.Of(request, ruleName, [.. reasons[request.Id].Distinct(StringComparer.Ordinal)]);
    }

    private async Task<string?> EvidenceEventIdAsync(ApprovalRequest request, CancellationToken ct) =>
        request.EventId ?? (await AlertAsync(request, ct))?.EventIds.FirstOrDefault();

    private async Task<IReadOnlyDictionary<string, string>> RuleNamesAsync(ApprovalRequest request, CancellationToken ct)
    {
        var listed = _listed.Contains(request);
        if (listed && _ruleNames is { } cached) return cached;
        var ids = _listed.BatchOf(request).Select(r => r.RuleId).OfType<string>().Distinct().ToList();
        var names = ids.Count == 0 ? new Dictionary<string, string>() : await db.Rules.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Select(r => new { r.Id, r.Name }).ToDictionaryAsync(r => r.Id, r => r.Name, StringComparer.Ordinal, ct);
        if (listed) _ruleNames = names;
        return names;
    }

    private async Task<IReadOnlyDictionary<string, Alert>> AlertsAsync(ApprovalRequest request, CancellationToken ct)
    {
        var listed = _listed.Contains(request);
        if (listed && _alerts is { } cached) return cached;
        var ids = _listed.BatchOf(request).Select(r => r.AlertId).OfType<string>().Distinct().ToList();
        var alerts = ids.Count == 0 ? new Dictionary<string, Alert>() : await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, StringComparer.Ordinal, ct);
        if (listed) _alerts = alerts;
        return alerts;
    }
}
