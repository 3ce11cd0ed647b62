using Respond.Workflows.Runtime.InMemory;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Workflows.Runtime;

/// <summary>An alert a dry run would raise for one event; <c>Suppressed</c>: it would only count on an earlier alert.</summary>
public sealed record DryRunAlert(string AlertId, string Title, Severity Severity, string GroupKey, bool Suppressed, int Count);

/// <summary>
/// What one event would do. <c>Triggered</c>: false when the rule's trigger ignores the event (type, scope, source,
/// severity). <c>Actions</c>: dispatched directly; <c>ApprovalRequests</c>: opened by a gate, with the actions they propose.
/// </summary>
public sealed record DryRunEventResult(
    string EventId,
    bool Triggered,
    InstanceStatus? Status,
    IReadOnlyList<PathStep> Path,
    IReadOnlyList<DryRunAlert> Alerts,
    IReadOnlyList<ProposedAction> Actions,
    IReadOnlyList<ApprovalOpening> ApprovalRequests,
    string? Error);

/// <summary>A dry run's answer: validation errors (then nothing ran), per-event results, and the alerts with their final counts.</summary>
public sealed record DryRunReport(
    IReadOnlyList<ValidationError> Errors,
    IReadOnlyList<DryRunEventResult> Events,
    IReadOnlyList<RecordedAlert> Alerts)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Runs a rule over events with no side effects (testRule, backtestRule): fresh in-memory windows, alerts, actions and
/// approvals; nothing stored, published or dispatched. Windows run on event time, so given the same events in the same
/// order it raises the same alerts as live ingestion. A delay continues at once; an approval gate reports the actions it
/// proposes and stops there.
/// </summary>
public static class DryRun
{
    public static Task<DryRunReport> RunAsync(RuleSnapshot rule, IEnumerable<WorkflowEvent> events, TimeProvider time, CancellationToken ct) =>
        RunAsync(rule, events, time, null, ct);

    public static async Task<DryRunReport> RunAsync(
        RuleSnapshot rule, IEnumerable<WorkflowEvent> events, TimeProvider time, IExpressionEvaluator? expressions, CancellationToken ct)
    {
        if (!CompiledRule.TryCompile(rule, out var compiled, out var errors))
        {
            return new DryRunReport(errors, [], []);
        }
        var alerts = new RecordingAlertSink();
        var actions = new RecordingActionDispatcher();
        var approvals = new RecordingApprovalGateway();
        var engine = new WorkflowEngine(new InMemoryWindowStore(), alerts, actions, approvals, new InMemoryInstanceStore(),
            new ManualResumeScheduler(), time, new WorkflowEngineOptions { PersistCompletedInstances = false }, expressions);

        var results = new List<DryRunEventResult>();
        foreach (var e in events)
        {
            ct.ThrowIfCancellationRequested();
            if (!compiled.Accepts(e))
            {
                results.Add(new DryRunEventResult(e.Id, false, null, [], [], [], [], null));
                continue;
            }
            var (alertsBefore, actionsBefore, approvalsBefore) = (alerts.Raised.Count, actions.Dispatched.Count, approvals.Openings.Count);
            var instance = await engine.StartAsync(compiled, e, ct).ConfigureAwait(false);
            while (instance is { Status: InstanceStatus.Suspended, Bookmark: { Kind: Bookmark.Delay } delay })
            {
                instance = await engine.ResumeAsync(instance.Id, delay.Id, "next", null, ct).ConfigureAwait(false) ?? instance;
            }
            results.Add(new DryRunEventResult(
                e.Id,
                true,
                instance.Status,
                instance.Path,
                [.. alerts.Raised.Skip(alertsBefore).Select(r => new DryRunAlert(
                    r.Outcome.AlertId, r.Request.Title, r.Request.Severity, r.Request.GroupKey, r.Outcome.Suppressed, r.Outcome.Count))],
                [.. actions.Dispatched.Skip(actionsBefore)],
                [.. approvals.Openings.Skip(approvalsBefore).Select(o => o.Opening)],
                instance.Error));
        }
        return new DryRunReport([], results, alerts.Alerts);
    }
}
