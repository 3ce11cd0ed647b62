using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Approvals;
using Respond.Server.Features.Settings;
using Respond.Server.Messaging;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Runs the engine for the server: new events, decisions and timers. One unit of work at a time, because
/// window state and suppression are decided in event order; each unit is one transaction, and what it raised
/// is published after the commit.
/// </summary>
public sealed class RuleEvaluator(
    IServiceScopeFactory scopes,
    RuleIndex index,
    WindowCache windows,
    RespondEvents events,
    IResumeScheduler scheduler,
    IOptions<ApprovalOptions> approvalOptions,
    TimeProvider time,
    ILogger<RuleEvaluator> logger,
    IExpressionEvaluator? expressions = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _latestEventTicks;

    /// <summary>The newest event time evaluated so far: windows slide on event time, so eviction measures against it.</summary>
    public DateTimeOffset LatestEventTime => new(Interlocked.Read(ref _latestEventTicks), TimeSpan.Zero);

    /// <summary>Starts an instance of every candidate rule for each event, in order.</summary>
    public Task<int> EvaluateAsync(IReadOnlyList<WorkflowEvent> batch, CancellationToken ct) =>
        InUnitOfWorkAsync(async (engine, uow) =>
        {
            var started = 0;
            foreach (var e in batch)
            {
                if (e.Time.UtcTicks > _latestEventTicks) Interlocked.Exchange(ref _latestEventTicks, e.Time.UtcTicks);
                foreach (var rule in index.Triggers.Candidates(e))
                {
                    var raisedBefore = uow.RaisedAlerts.Count;
                    var instance = await engine.StartAsync(rule, e, ct);
                    started++;
                    if (instance.Status == InstanceStatus.Faulted)
                        EngineLog.InstanceFaulted(logger, rule.Snapshot.RuleId, instance.Id, instance.Error ?? "");
                    for (var i = raisedBefore; i < uow.RaisedAlerts.Count; i++)
                        await uow.AutoResponder.OnAlertRaisedAsync(uow.RaisedAlerts[i], e, rule.Snapshot.Outcome, ct);
                }
            }
            return started;
        }, ct);

    /// <summary>A scheduled rule's cron fired: one instance per organization in its scope that has Respond on.</summary>
    public Task<int> RunScheduledAsync(string ruleId, DateTimeOffset firedAt, CancellationToken ct) =>
        InUnitOfWorkAsync(async (engine, uow) =>
        {
            var rule = index.Triggers.Find(ruleId);
            if (rule is null) return 0;
            var scope = rule.Snapshot.OrganizationIds.Count > 0
                ? rule.Snapshot.OrganizationIds
                : await uow.Db.Organizations.Select(o => o.Id).ToListAsync(ct);
            // Respond's switch is per organization: an organization with Respond off gets no instance.
            var settings = await uow.Db.ForEachAsync(scope, ct);
            var organizations = scope.Where(o => settings[o].Enabled).ToList();
            foreach (var organization in organizations)
                await engine.StartScheduledAsync(rule, firedAt, organization, ct);
            return organizations.Count;
        }, ct);

    /// <summary>Resumes a suspended instance on a port (a decision); a stale or unknown bookmark changes nothing.</summary>
    public Task<WorkflowInstance?> ResumeAsync(string instanceId, string bookmarkId, string port, CancellationToken ct) =>
        InUnitOfWorkAsync((engine, _) => engine.ResumeAsync(instanceId, bookmarkId, port, null, ct).AsTask(), ct);

    /// <summary>A timer fired: a delay ends, or an approval gate expires (its request is marked expired first).</summary>
    public Task<WorkflowInstance?> ResumeDueAsync(string instanceId, string bookmarkId, CancellationToken ct) =>
        InUnitOfWorkAsync(async (engine, uow) =>
        {
            // The engine resumes only a bookmark that is due; an early or repeated firing changes nothing.
            var resumed = await engine.ResumeDueAsync(instanceId, bookmarkId, ct);
            if (resumed is null) return null;
            var request = await uow.Db.ApprovalRequests.SingleOrDefaultAsync(r => r.WorkflowInstanceId == instanceId && r.BookmarkId == bookmarkId, ct);
            if (request is { Status: ApprovalStatus.Pending })
            {
                request.Decide(ApprovalStatus.Expired, "system", "Expired without a decision.", time.GetUtcNow());
                uow.DecidedRequests.Add(request);
            }
            return resumed;
        }, ct);

    private async Task<T> InUnitOfWorkAsync<T>(Func<WorkflowEngine, EngineUnitOfWork, Task<T>> work, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var uow = scope.ServiceProvider.GetRequiredService<EngineUnitOfWork>();
            var actions = scope.ServiceProvider.GetRequiredService<IActionDispatcher>();
            var engine = new WorkflowEngine(windows, uow, actions, uow, uow, scheduler, time,
                new WorkflowEngineOptions { DefaultApprovalTimeout = approvalOptions.Value.DefaultTimeout, PersistCompletedInstances = true, DetailFalseMatches = false }, expressions);
            var result = await work(engine, uow);
            await uow.Db.SaveChangesAsync(ct);
            // Rule instances wait on their actions; none can have ended yet, and resuming here would wait on this very gate.
            await scope.ServiceProvider.GetRequiredService<Actions.ActionLifecycle>().FlushAsync(ct, resumeRules: false);
            foreach (var alert in uow.RaisedAlerts) events.Publish(alert);
            foreach (var request in uow.OpenedRequests) events.Publish(new ApprovalRequested(request));
            foreach (var request in uow.DecidedRequests) events.Publish(new ApprovalDecided(request));
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public sealed class EngineOptions
{
    public const string Section = "Respond:Engine";

    /// <summary>How often changed threshold/correlation windows are written to the database (and at shutdown).</summary>
    public TimeSpan WindowFlushInterval { get; set; } = TimeSpan.FromSeconds(2);
}

public sealed class ApprovalOptions
{
    public const string Section = "Respond:Approvals";

    /// <summary>`Respond:Approvals:DefaultTimeout`: how long an approval gate waits when its block sets no timeout.</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>`Respond:Approvals:RuleActivationTimeout`: how long a rule's activation waits for a second principal.</summary>
    public TimeSpan RuleActivationTimeout { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Published when a request opens / is decided, so subscribers can tell the two apart.</summary>
public sealed record ApprovalRequested(ApprovalRequest Request);

public sealed record ApprovalDecided(ApprovalRequest Request);

internal static partial class EngineLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {RuleId} instance {WorkflowInstanceId} faulted: {Error}")]
    public static partial void InstanceFaulted(ILogger logger, string ruleId, string workflowInstanceId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing window state failed; it stays dirty and is retried")]
    public static partial void WindowFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Engine ready: {Rules} active rules, {Windows} windows, {Timers} timers rescheduled")]
    public static partial void Ready(ILogger logger, int rules, int windows, int timers);
}
