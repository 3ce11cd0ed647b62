using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Events;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// The engine's ports for one unit of work (an ingested batch, a decision, a timer): everything they write
/// goes into one DbContext and is saved together; what they raised is published only after the commit.
/// </summary>
public sealed class EngineUnitOfWork(RespondDbContext db, RuleIndex rules, Actions.AutoResponder autoResponder, IActionDispatcher actions,
    Actions.ActionLifecycle actionLifecycle, TimeProvider time)
    : IAlertSink, IApprovalGateway, IWorkflowInstanceStore
{
    private OpenAlertIndex? _openAlerts;

    /// <summary>The open-alert index of the partition this unit works for (set by the evaluator before it starts).</summary>
    public OpenAlertIndex OpenAlerts
    {
        get => _openAlerts ?? throw new InvalidOperationException("The evaluator sets the partition's open-alert index first.");
        set => _openAlerts = value;
    }

    private readonly Dictionary<string, Alert> _touchedAlerts = [];
    private const int MaxAbsorbingLoaded = 200;
    private bool _absorbingLoaded;
    private readonly Dictionary<string, WorkflowInstanceRecord> _records = [];
    private readonly HashSet<(string RuleId, string EventId)> _suppressedMatches = [];
    public List<Alert> RaisedAlerts { get; } = [];
    public List<ApprovalRequest> OpenedRequests { get; } = [];
    public List<ApprovalRequest> DecidedRequests { get; } = [];

    public RespondDbContext Db => db;

    public Actions.AutoResponder AutoResponder => autoResponder;

    /// <summary>Where the rule's action blocks submit (the same scope, so their rows join this unit's transaction).</summary>
    public IActionDispatcher ActionDispatcher => actions;

    /// <summary>What the actions submitted in this unit publish and schedule, flushed after the commit.</summary>
    public Actions.ActionLifecycle ActionLifecycle => actionLifecycle;

    public async ValueTask<AlertOutcome> RaiseAsync(AlertRequest request, CancellationToken ct)
    {
        if (request.SuppressFor is not null && OpenAlerts.Find(request.RuleId, request.OrganizationId, request.GroupKey, request.EventTime) is { } openId)
        {
            if (!_touchedAlerts.TryGetValue(openId, out var open))
            {
                if (OpenAlerts.CommittedState(openId) is { } committed) open = Attach(committed);
                else
                {
                    if (!_absorbingLoaded) await LoadAbsorbingAsync(request.EventTime, ct);
                    if (!_touchedAlerts.TryGetValue(openId, out open))
                    {
                        open = await db.Alerts.FindAsync([openId], ct);
                        if (open is not null) _touchedAlerts[openId] = open;
                    }
                }
            }
            if (open is not null && open.Status != AlertStatus.Closed && open.OrganizationId == request.OrganizationId)
            {
                open.Absorb(request.EventId, request.EventTime);
                _suppressedMatches.Add((request.RuleId, request.EventId));
                return new AlertOutcome(open.Id, true, open.Count);
            }
            OpenAlerts.Forget(request.RuleId, request.OrganizationId, request.GroupKey);
        }
        var alert = new Alert
        {
            Id = Alert.NewId(),
            RuleId = request.RuleId,
            RuleVersion = request.RuleVersion,
            DefinitionHash = request.DefinitionHash,
            RuleName = rules.Triggers.Find(request.RuleId)?.Snapshot.Name ?? request.RuleId,
            OrganizationId = request.OrganizationId,
            Title = Alert.TitleOf(request.Title),
            Severity = request.Severity,
            GroupKey = request.GroupKey,
            EventIds = ContributingEventIds(request),
            FirstEventAt = request.EventTime,
            LastEventAt = request.EventTime,
            SuppressUntil = request.SuppressFor is { } s ? request.EventTime + s : null,
            WhyJson = request.Why.ToJsonString(),
            CreatedAt = time.GetUtcNow(),
        };
        db.Alerts.Add(alert);
        RaisedAlerts.Add(alert);
        if (alert.SuppressUntil is { } until)
        {
            _touchedAlerts[alert.Id] = alert;
            OpenAlerts.Remember(alert.RuleId, alert.OrganizationId, alert.GroupKey, alert.Id, until);
        }
        return new AlertOutcome(alert.Id, false, 1);
    }

    /// <summary>
    /// What the partition committed itself is not read again (<see cref="OpenAlertIndex.CommittedState"/>): such an
    /// alert is attached as remembered when a match needs it, and only then. The first suppressed match of the unit
    /// that needs an alert the partition does not remember (after a start-up or a failed unit) reads all the absorbing
    /// alerts it does not remember in one query: a chunk usually touches most of them, and one query beats one per alert.
    /// Only what absorbing changes is read (<see cref="Alert.Absorbing"/>); an alert whose event ids are not full yet is
    /// read whole, as its list grows.
    /// </summary>
    private async Task LoadAbsorbingAsync(DateTimeOffset eventTime, CancellationToken ct)
    {
        _absorbingLoaded = true;
        var absorbing = OpenAlerts.AbsorbingAt(eventTime, MaxAbsorbingLoaded)
            .Where(id => OpenAlerts.CommittedState(id) is null && !_touchedAlerts.ContainsKey(id)).ToList();
        if (absorbing.Count == 0) return;
        var states = await db.Alerts.AsNoTracking().Where(a => absorbing.Contains(a.Id))
            .Select(a => new { a.Id, a.OrganizationId, a.Status, a.Count, a.LastEventAt, a.Version, Full = a.EventIds.Count >= Alert.MaxMatchedEventIds })
            .ToListAsync(ct);
        foreach (var state in states.Where(s => s.Full))
            Attach(new AbsorbingAlert(state.Id, state.OrganizationId, state.Status, state.Count, state.LastEventAt, state.Version, null));
        var growing = states.Where(s => !s.Full).Select(s => s.Id).ToList();
        if (growing.Count > 0)
            foreach (var loaded in await db.Alerts.Where(a => growing.Contains(a.Id)).ToListAsync(ct))
                _touchedAlerts.TryAdd(loaded.Id, loaded);
    }

    private Alert Attach(AbsorbingAlert state)
    {
        var known = Alert.Absorbing(state.Id, state.OrganizationId, state.Status, state.Count, state.LastEventAt, state.Version, state.EventIds);
        db.Alerts.Attach(known);
        _touchedAlerts.TryAdd(known.Id, known);
        return known;
    }

    /// <summary>After the commit: the partition remembers its absorbing alerts as stored, for the next unit.</summary>
    public void Committed() => OpenAlerts.Committed(_touchedAlerts.Values);

    /// <summary>
    /// Every event behind a new alert: those the thresholds and correlations it crossed counted (their details on
    /// <c>why.thresholds</c> name them), then the event that completed it. Without a window, only that event.
    /// </summary>
    private static List<string> ContributingEventIds(AlertRequest request)
    {
        var ids = new List<string>();
        foreach (var crossed in request.Why["thresholds"] as System.Text.Json.Nodes.JsonArray ?? [])
        {
            foreach (var id in crossed?["eventIds"] as System.Text.Json.Nodes.JsonArray ?? []) ids.Add(id!.GetValue<string>());
            foreach (var signal in crossed?["signals"] as System.Text.Json.Nodes.JsonArray ?? []) ids.Add(signal!["eventId"]!.GetValue<string>());
        }
        ids.Add(request.EventId);
        return ids.Distinct(StringComparer.Ordinal).ToList();
    }

    public async ValueTask<string> OpenAsync(ApprovalOpening opening, CancellationToken ct)
    {
        // The rule's last activator and editor may not decide its gates: otherwise one person writes, arms and approves.
        var stewards = await db.Rules.AsNoTracking().Where(r => r.Id == opening.RuleId)
            .Select(r => new { r.ActivatedBy, r.EditedBy }).SingleOrDefaultAsync(ct);
        var request = new ApprovalRequest
        {
            Id = "apr-" + Guid.NewGuid().ToString("N")[..16],
            Kind = ApprovalKind.Gate,
            RuleActivatedBy = stewards?.ActivatedBy,
            RuleEditedBy = stewards?.EditedBy is { } editor ? [editor] : [],
            OrganizationId = opening.OrganizationId,
            RuleId = opening.RuleId,
            RuleVersion = opening.RuleVersion,
            WorkflowInstanceId = opening.WorkflowInstanceId,
            EventId = opening.EventId,
            AlertId = opening.AlertId,
            ProposedActionsJson = JsonSerializer.Serialize(opening.ProposedActions.Select(ProposedActionView.From), RespondDbContext.JsonOptions),
            Approvers = [.. opening.Approvers],
            ApprovalsRequired = opening.ApprovalsRequired,
            RequestedBy = ApprovalRequest.Engine,
            ExpiresAt = opening.ExpiresAt,
            CreatedAt = time.GetUtcNow(),
        };
        request.StartEscalation(opening.Escalation ?? [], request.CreatedAt);
        db.ApprovalRequests.Add(request);
        OpenedRequests.Add(request);
        if (request.NextEscalationAt is { } escalation) actionLifecycle.Schedule(Actions.ActionJobKind.EscalateApproval, request.Id, escalation);
        return request.Id;
    }

    public async ValueTask SaveAsync(WorkflowInstance instance, CancellationToken ct)
    {
        // Runs that ended without effect (or only counted on an open alert) are not stored: at volume they would
        // outweigh the events themselves.
        if (instance.Status == InstanceStatus.Completed && !HadEffect(instance)) return;
        // An instance is either started in this unit of work or loaded by FindAsync first: no lookup needed.
        if (!_records.TryGetValue(instance.Id, out var record))
        {
            record = new WorkflowInstanceRecord
            {
                Id = instance.Id,
                RuleId = instance.Rule.RuleId,
                RuleVersion = instance.Rule.Version,
                OrganizationId = instance.Event.OrganizationId,
                EventId = instance.Event.Id,
                EventJson = instance.Event.Json.GetRawText(),
                Status = "",
                PathJson = "",
                VariablesJson = "",
                StartedAt = instance.StartedAt,
            };
            db.WorkflowInstances.Add(record);
            _records[record.Id] = record;
        }
        // Bind the approval request to the bookmark that waits for it, so a decision resumes exactly that wait.
        if (instance.Bookmark is { Kind: Bookmark.Approval, Payload: { } requestId } bookmark)
        {
            var request = OpenedRequests.FirstOrDefault(r => r.Id == requestId);
            if (request is not null && request.BookmarkId is null) db.Entry(request).Property(r => r.BookmarkId).CurrentValue = bookmark.Id;
        }
        record.Status = instance.Status.ToString();
        record.BookmarkJson = instance.Bookmark is null ? null : JsonSerializer.Serialize(instance.Bookmark, RespondDbContext.JsonOptions);
        record.ResumeAt = instance.Bookmark?.ResumeAt;
        record.PathJson = JsonSerializer.Serialize(instance.Path, RespondDbContext.JsonOptions);
        record.VariablesJson = instance.Variables.ToJsonString();
        record.EndedAt = instance.EndedAt;
        record.Error = instance.Error;
    }

    public async ValueTask<WorkflowInstance?> FindAsync(string instanceId, CancellationToken ct)
    {
        if (!_records.TryGetValue(instanceId, out var record))
        {
            record = await db.WorkflowInstances.SingleOrDefaultAsync(r => r.Id == instanceId, ct);
            if (record is null) return null;
            _records[instanceId] = record;
        }
        var version = await db.RuleVersions.AsNoTracking().SingleOrDefaultAsync(v => v.RuleId == record.RuleId && v.Version == record.RuleVersion, ct);
        if (version is null) return null;
        var rule = await db.Rules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == record.RuleId, ct);
        var snapshot = RuleIndex.Snapshot(record.RuleId, version.Name, version.Version, version.DefinitionHash, version.Outcome,
            rule?.OrganizationIds ?? [], version.DefinitionJson);
        var eventJson = JsonDocument.Parse(record.EventJson).RootElement.Clone();
        return new WorkflowInstance
        {
            Id = record.Id,
            Rule = snapshot,
            Event = EventMapping.ToWorkflowEvent(eventJson),
            Status = Enum.Parse<InstanceStatus>(record.Status),
            Bookmark = record.BookmarkJson is null ? null : JsonSerializer.Deserialize<Bookmark>(record.BookmarkJson, RespondDbContext.JsonOptions),
            Path = JsonSerializer.Deserialize<List<PathStep>>(record.PathJson, RespondDbContext.JsonOptions) ?? [],
            Variables = System.Text.Json.Nodes.JsonNode.Parse(record.VariablesJson)?.AsObject() ?? [],
            StartedAt = record.StartedAt,
            EndedAt = record.EndedAt,
            Error = record.Error,
        };
    }

    private bool HadEffect(WorkflowInstance instance) =>
        instance.Path.Any(p => p.BlockType.StartsWith("action.", StringComparison.Ordinal) || p.BlockType.StartsWith("gate.", StringComparison.Ordinal)) ||
        (instance.Variables.ContainsKey("alertId") && !_suppressedMatches.Contains((instance.Rule.RuleId, instance.Event.Id)));
}
