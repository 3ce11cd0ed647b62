using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Respond.Server.Features.Approvals;
using Respond.Server.Messaging;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.Ports;

namespace Respond.Server.Features.Engine;

/// <summary>
/// Runs the engine for the server: new events, decisions and timers. Window state and suppression are decided in
/// event order and never cross organizations, so units of work run one at a time per organization and different
/// organizations in parallel; each unit is one transaction, and what it raised is published after the commit.
/// </summary>
public sealed class RuleEvaluator(
    IServiceScopeFactory scopes,
    RuleIndex index,
    WindowCache windows,
    RespondEvents events,
    IActionDispatcher actions,
    IResumeScheduler scheduler,
    IOptions<ApprovalOptions> approvalOptions,
    TimeProvider time,
    ILogger<RuleEvaluator> logger,
    IExpressionEvaluator? expressions = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);
    private long _latestEventTicks;

    /// <summary>The newest event time evaluated so far: windows slide on event time, so eviction measures against it.</summary>
    public DateTimeOffset LatestEventTime => new(Interlocked.Read(ref _latestEventTicks), TimeSpan.Zero);

    /// <summary>Starts an instance of every candidate rule for each event, in order within each organization.</summary>
    public async Task<int> EvaluateAsync(IReadOnlyList<WorkflowEvent> batch, CancellationToken ct)
    {
        var started = await Task.WhenAll(batch.GroupBy(e => e.OrganizationId, StringComparer.Ordinal).Select(group =>
            InUnitOfWorkAsync(group.Key, async (engine, _) =>
            {
                var count = 0;
                foreach (var e in group)
                {
                    if (e.Time.UtcTicks > Interlocked.Read(ref _latestEventTicks)) Interlocked.Exchange(ref _latestEventTicks, e.Time.UtcTicks);
                    foreach (var rule in index.Triggers.Candidates(e))
                    {
                        var instance = await engine.StartAsync(rule, e, ct);
                        count++;
                        if (instance.Status == InstanceStatus.Faulted)
                            EngineLog.InstanceFaulted(logger, rule.Snapshot.RuleId, instance.Id, instance.Error ?? "");
                    }
                }
                return count;
            }, ct)));
        return started.Sum();
    }

    /// <summary>A scheduled rule's cron fired: one instance per organization in its scope, unless Respond is off.</summary>
    public async Task<int> RunScheduledAsync(string ruleId, DateTimeOffset firedAt, CancellationToken ct)
    {
        var rule = index.Triggers.Find(ruleId);
        if (rule is null) return 0;
        IReadOnlyList<string> organizations;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Persistence.RespondDbContext>();
            if (!await db.Settings.AnyAsync(s => s.Enabled, ct)) return 0;
            organizations = rule.Snapshot.OrganizationIds.Count > 0 ? rule.Snapshot.OrganizationIds : await db.Organizations.Select(o => o.Id).ToListAsync(ct);
        }
        foreach (var organization in organizations)
            await InUnitOfWorkAsync(organization, async (engine, _) => await engine.StartScheduledAsync(rule, firedAt, organization, ct), ct);
        return organizations.Count;
    }

    /// <summary>Resumes a suspended instance on a port (a decision); a stale or unknown bookmark changes nothing.</summary>
    public async Task<WorkflowInstance?> ResumeAsync(string instanceId, string bookmarkId, string port, CancellationToken ct) =>
        await OrganizationOfAsync(instanceId, ct) is { } organization
            ? await InUnitOfWorkAsync(organization, (engine, _) => engine.ResumeAsync(instanceId, bookmarkId, port, null, ct).AsTask(), ct)
            : null;

    /// <summary>A timer fired: a delay ends, or an approval gate expires (its request is marked expired first).</summary>
    public async Task<WorkflowInstance?> ResumeDueAsync(string instanceId, string bookmarkId, CancellationToken ct) =>
        await OrganizationOfAsync(instanceId, ct) is not { } organization ? null : await InUnitOfWorkAsync(organization, async (engine, uow) =>
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

    private async Task<string?> OrganizationOfAsync(string instanceId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Persistence.RespondDbContext>().WorkflowInstances
            .Where(i => i.Id == instanceId).Select(i => i.OrganizationId).SingleOrDefaultAsync(ct);
    }

    private async Task<T> InUnitOfWorkAsync<T>(string organizationId, Func<WorkflowEngine, EngineUnitOfWork, Task<T>> work, CancellationToken ct)
    {
        var gate = _gates.GetOrAdd(organizationId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var uow = scope.ServiceProvider.GetRequiredService<EngineUnitOfWork>();
            var engine = new WorkflowEngine(windows, uow, actions, uow, uow, scheduler, time,
                new WorkflowEngineOptions { DefaultApprovalTimeout = approvalOptions.Value.DefaultTimeout, PersistCompletedInstances = true, DetailFalseMatches = false }, expressions);
            var result = await work(engine, uow);
            await uow.Db.SaveChangesAsync(ct);
            foreach (var alert in uow.RaisedAlerts) events.Publish(alert);
            foreach (var request in uow.OpenedRequests) events.Publish(new ApprovalRequested(request));
            foreach (var request in uow.DecidedRequests) events.Publish(new ApprovalDecided(request));
            return result;
        }
        finally
        {
            gate.Release();
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
