using Quartz;
using Respond.Server.Features.Alerts;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Audit;
using Respond.Server.Identity;
using Respond.Server.Messaging;
using Respond.Server.Telemetry;

namespace Respond.Server.Features.Actions;

/// <summary>Published on every status or verification change of an action (responseActionUpdated).</summary>
public sealed record ResponseActionUpdated(ResponseAction Action);

/// <summary>The persistent jobs of actions and of the approval requests they wait on (<c>ExpireApproval</c>, <c>EscalateApproval</c>: keyed by the request).</summary>
public enum ActionJobKind { Execute, Verify, ResultDeadline, ExpireApproval, EscalateApproval }

/// <summary>
/// Moves actions along their lifecycle and remembers what must happen once the change is committed: jobs to schedule,
/// updates to publish, suspended rule instances to resume. Nothing leaves the process before the commit, so a
/// subscriber or a job never sees a state the database does not hold. One per scope; call <see cref="FlushAsync"/> after saving.
/// </summary>
public sealed class ActionLifecycle(AuditTrail audit, ActionScheduler scheduler, RespondEvents events, IActionWaiters waiters, RespondMetrics metrics, TimeProvider time)
{
    private readonly List<(ActionJobKind Kind, string Id, DateTimeOffset At)> _schedule = [];
    private readonly List<(ActionJobKind Kind, string Id)> _unschedule = [];
    private readonly List<object> _publish = [];
    private readonly List<(string InstanceId, string ActionId, string Port)> _resume = [];
    private readonly List<(Workflows.ResponseActionType Type, ResponseActionStatus Status)> _ended = [];

    public void Begin(ResponseAction action, ResponseActionStatus status, RespondPrincipal actor, string? reason)
    {
        action.Begin(status, actor.Id, reason, time.GetUtcNow());
        audit.Record(actor, "action.submitted", "ResponseAction", action.Id, [action.OrganizationId], null, new
        {
            Type = Workflows.ApiEnumName.Format(action.Type),
            action.Source,
            Target = action.Target,
            action.Justification,
            action.AlertId,
            action.RuleId,
            action.RuleVersion,
            action.BulkGroupId,
            action.RollbackOf,
            action.ParentActionId,
            action.Automatic,
            Status = status,
            Reason = reason,
        });
        Changed(action);
        if (status == ResponseActionStatus.Queued) Schedule(ActionJobKind.Execute, action.Id, time.GetUtcNow());
    }

    /// <summary>One audited, published step; throws <see cref="IllegalTransitionException"/> for a move the lifecycle forbids.</summary>
    public void Move(ResponseAction action, ResponseActionStatus to, RespondPrincipal actor, string? reason, object? details = null)
    {
        var from = action.Status;
        action.MoveTo(to, actor.Id, reason, time.GetUtcNow());
        action.Version++;
        audit.Record(actor, "action." + Workflows.ApiEnumName.Format(to).ToLowerInvariant(), "ResponseAction", action.Id, [action.OrganizationId],
            new { Status = from }, new { Status = to, Reason = reason, Details = details });
        Changed(action);
        if (action.IsTerminal) _ended.Add((action.Type, to));
        if (action.IsTerminal && action.WorkflowInstanceId is { } instance)
            _resume.Add((instance, action.Id, to == ResponseActionStatus.Completed ? "completed" : "failed"));
    }

    public void Changed(ResponseAction action) => _publish.Add(action);

    public void Publish(object message) => _publish.Add(message);

    public void Schedule(ActionJobKind kind, string id, DateTimeOffset at) => _schedule.Add((kind, id, at));

    public void Unschedule(ActionJobKind kind, string id) => _unschedule.Add((kind, id));

    /// <summary>After the commit: publish, schedule, resume. <paramref name="resumeRules"/> is false inside the engine's own unit of work.</summary>
    public async Task FlushAsync(CancellationToken ct, bool resumeRules = true)
    {
        // Publish before scheduling: a job scheduled first could run and publish the next status (EXECUTING) before
        // this one (QUEUED) reaches subscribers.
        // Snapshots: the tracked entity may change again in this scope before a subscriber serialises it.
        var published = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var message in _publish)
        {
            if (message is ResponseAction action)
            {
                events.Publish(new ResponseActionUpdated(action.Snapshot()));
                continue;
            }
            if (!published.Add(message)) continue;
            events.Publish(message);
        }
        foreach (var (type, status) in _ended) metrics.ActionEnded(type, Workflows.ApiEnumName.Format(status));
        _ended.Clear();
        foreach (var (kind, id) in _unschedule) await scheduler.UnscheduleAsync(kind, id, ct);
        foreach (var (kind, id, at) in _schedule) await scheduler.ScheduleAsync(kind, id, at, ct);
        _schedule.Clear();
        _unschedule.Clear();
        _publish.Clear();
        if (!resumeRules) return;
        var resumes = _resume.ToList();
        _resume.Clear();
        foreach (var (instance, actionId, port) in resumes) await waiters.ActionEndedAsync(instance, actionId, port, ct);
    }
}

/// <summary>The persistent Quartz jobs of actions: one job per action and kind, replaced when scheduled again.</summary>
public sealed class ActionScheduler(ISchedulerFactory schedulers)
{
    public const string ActionIdKey = "id";

    public static JobKey Key(ActionJobKind kind, string id) => new(id, "action-" + kind.ToString().ToLowerInvariant());

    public async Task ScheduleAsync(ActionJobKind kind, string id, DateTimeOffset at, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var job = JobBuilder.Create<ActionJob>().WithIdentity(Key(kind, id)).UsingJobData(ActionIdKey, id).RequestRecovery().Build();
        // A one-shot trigger that missed its time while Respond was down fires at once after the restart.
        var trigger = TriggerBuilder.Create().ForJob(job).StartAt(at).Build();
        await scheduler.ScheduleJob(job, [trigger], new ScheduleJobOptions { Replace = true }, ct);
    }

    public async Task UnscheduleAsync(ActionJobKind kind, string id, CancellationToken ct) =>
        await (await schedulers.GetScheduler(ct)).DeleteJob(Key(kind, id), ct);

    public async Task<bool> ExistsAsync(ActionJobKind kind, string id, CancellationToken ct) =>
        await (await schedulers.GetScheduler(ct)).Exists(Key(kind, id), ct);

    /// <summary>Whether the job store is shared by several nodes (PostgreSQL, SQL Server), so jobs run on any of them.</summary>
    public async Task<bool> ClusteredAsync(CancellationToken ct) =>
        (await (await schedulers.GetScheduler(ct)).GetMetadata(ct)).JobStoreClustered;
}

/// <summary>Thin: the kind comes from the job group, the id from the data map; <see cref="ActionRunner"/> does the work.</summary>
[DisallowConcurrentExecution]
public sealed class ActionJob(IServiceScopeFactory scopes, ApprovalEscalations escalations) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken ct)
    {
        var kind = Enum.Parse<ActionJobKind>(context.JobDetail.Key.Group["action-".Length..], ignoreCase: true);
        var id = context.MergedJobDataMap.GetString(ActionScheduler.ActionIdKey)!;
        if (kind == ActionJobKind.EscalateApproval)
        {
            await escalations.EscalateAsync(id, ct);
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var runner = scope.ServiceProvider.GetRequiredService<ActionRunner>();
        await (kind switch
        {
            ActionJobKind.Execute => runner.ExecuteAsync(id, context.Recovering, ct),
            ActionJobKind.Verify => runner.VerifyAsync(id, ct),
            ActionJobKind.ResultDeadline => runner.ResultDeadlineAsync(id, ct),
            _ => runner.ExpireApprovalAsync(id, ct),
        });
    }
}
