using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Events;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime;
using Respond.Workflows.Runtime.InMemory;

namespace Respond.Server.Features.RuleTesting;

public enum BacktestStatus { Running, Completed, Cancelled, Failed }

public sealed record BacktestDay(string Day, int Alerts, int Actions, int ApprovalRequests);

public sealed record BacktestCount(string Key, int Count);

public sealed record BacktestMatch(string EventId, DateTimeOffset Time, string Title, string GroupKey);

/// <summary>One backtest: its progress while it runs, then what the rule would have done.</summary>
public sealed class Backtest
{
    public const int SampleSize = 20;

    public required string Id { get; init; }
    public required string RuleId { get; init; }
    public required string RequestedBy { get; init; }
    public required IReadOnlyList<string> OrganizationScope { get; init; }
    public DateTimeOffset From { get; init; }
    public DateTimeOffset To { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public BacktestStatus Status { get; set; } = BacktestStatus.Running;
    public int TotalEvents { get; set; }
    public int ProcessedEvents { get; set; }
    public int TriggeredEvents { get; set; }
    public int AlertCount { get; set; }
    public int SuppressedMatches { get; set; }
    public string? Error { get; set; }
    public SortedDictionary<string, BacktestDay> PerDay { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> GroupKeys { get; } = [];
    public Dictionary<string, int> Targets { get; } = [];
    public List<BacktestMatch> Samples { get; } = [];
    internal CancellationTokenSource Cancellation { get; } = new();
    internal Task Task { get; set; } = Task.CompletedTask;

    /// <summary>A backtest read back from its row (on any node).</summary>
    internal static Backtest Read(BacktestRecord row, bool abandoned)
    {
        var backtest = new Backtest
        {
            Id = row.Id,
            RuleId = row.RuleId,
            RequestedBy = row.RequestedBy,
            OrganizationScope = JsonSerializer.Deserialize<List<string>>(row.OrganizationScope) ?? [],
            From = row.From,
            To = row.To,
            StartedAt = row.StartedAt,
            FinishedAt = row.FinishedAt,
            Status = abandoned ? BacktestStatus.Failed : row.Status,
            TotalEvents = row.TotalEvents,
            ProcessedEvents = row.ProcessedEvents,
            TriggeredEvents = row.TriggeredEvents,
            AlertCount = row.AlertCount,
            SuppressedMatches = row.SuppressedMatches,
            Error = abandoned ? "The node running this backtest stopped; start it again." : row.Error,
        };
        if (row.Report is { } json && JsonSerializer.Deserialize<BacktestReport>(json, RespondDbContext.JsonOptions) is { } report)
        {
            foreach (var day in report.PerDay) backtest.PerDay[day.Day] = day;
            foreach (var key in report.TopGroupKeys) backtest.GroupKeys[key.Key] = key.Count;
            foreach (var target in report.TopTargets) backtest.Targets[target.Key] = target.Count;
            backtest.Samples.AddRange(report.Samples);
        }
        return backtest;
    }

    internal BacktestReport Report() => new([.. PerDay.Values], [.. TopGroupKeys], [.. TopTargets], [.. Samples]);

    public double Progress => TotalEvents == 0 ? (Status == BacktestStatus.Running ? 0 : 1) : (double)ProcessedEvents / TotalEvents;
    public IEnumerable<BacktestCount> TopGroupKeys => GroupKeys.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(10).Select(kv => new BacktestCount(kv.Key, kv.Value));
    public IEnumerable<BacktestCount> TopTargets => Targets.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(10).Select(kv => new BacktestCount(kv.Key, kv.Value));
}

/// <summary>
/// Runs backtests in the background (one task each, own database scope) on the node that started them, and keeps each
/// as a row of <see cref="BacktestRecord"/> (progress after every page, the report at the end), so the designer can poll
/// progress, read the report or cancel through any node. Only who started a backtest, or a principal of every
/// organization, reads it. The last 100 are kept. A backtest whose node stopped writing progress for
/// <see cref="AbandonedAfter"/> reads as FAILED. A backtest has no side effects.
/// </summary>
public sealed class BacktestRunner(IServiceScopeFactory scopes, TimeProvider time, ILogger<BacktestRunner> logger, Respond.Workflows.Runtime.Ports.IExpressionEvaluator? expressions = null)
{
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(5);
    private const int PageSize = 2_000;
    private const int Kept = 100;
    private readonly ConcurrentDictionary<string, Backtest> _running = new();

    public async Task<Backtest?> FindAsync(string id, RespondPrincipal by, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<BacktestRecord>().AsNoTracking().SingleOrDefaultAsync(b => b.Id == id, ct);
        if (row is null || !(row.RequestedBy == by.Id || by.SeesAllOrganizations)) return null;
        return Backtest.Read(row, abandoned: row.Status == BacktestStatus.Running && time.GetUtcNow() - row.ProgressAt > AbandonedAfter);
    }

    /// <summary>Asks the node running the backtest to stop (at its next page); this node's own run stops at once.</summary>
    public async Task CancelAsync(string id, CancellationToken ct)
    {
        if (_running.TryGetValue(id, out var local)) await local.Cancellation.CancelAsync();
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<BacktestRecord>().Where(b => b.Id == id && b.Status == BacktestStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.CancelRequested, true), ct);
    }

    public async Task<Backtest> StartAsync(RuleSnapshot rule, IReadOnlyList<string> scope, DateTimeOffset from, DateTimeOffset to, RespondPrincipal by, CancellationToken ct)
    {
        var backtest = new Backtest
        {
            Id = "bt-" + Guid.NewGuid().ToString("N")[..12],
            RuleId = rule.RuleId,
            RequestedBy = by.Id,
            OrganizationScope = scope,
            From = from,
            To = to,
            StartedAt = time.GetUtcNow(),
        };
        var now = backtest.StartedAt;
        await using (var started = scopes.CreateAsyncScope())
        {
            var db = started.ServiceProvider.GetRequiredService<RespondDbContext>();
            var stale = now - AbandonedAfter;
            var beyondKept = db.Set<BacktestRecord>().OrderByDescending(b => b.StartedAt).Skip(Kept - 1).Select(b => b.Id);
            await db.Set<BacktestRecord>().Where(b => beyondKept.Contains(b.Id) && (b.Status != BacktestStatus.Running || b.ProgressAt < stale)).ExecuteDeleteAsync(ct);
            db.Add(new BacktestRecord
            {
                Id = backtest.Id, RuleId = backtest.RuleId, RequestedBy = backtest.RequestedBy, OrganizationScope = JsonSerializer.Serialize(scope),
                From = from, To = to, StartedAt = now, ProgressAt = now, Status = BacktestStatus.Running,
            });
            await db.SaveChangesAsync(ct);
        }
        _running[backtest.Id] = backtest;
        backtest.Task = Task.Run(() => RunAsync(backtest, rule));
        return backtest;
    }

    /// <summary>Writes the counts so far (any node reads them); throws when a cancel was asked through any node.</summary>
    private async Task SaveProgressAsync(RespondDbContext db, Backtest b, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Set<BacktestRecord>().Where(r => r.Id == b.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.TotalEvents, b.TotalEvents).SetProperty(r => r.ProcessedEvents, b.ProcessedEvents)
            .SetProperty(r => r.TriggeredEvents, b.TriggeredEvents).SetProperty(r => r.AlertCount, b.AlertCount)
            .SetProperty(r => r.SuppressedMatches, b.SuppressedMatches).SetProperty(r => r.ProgressAt, now), ct);
        if (await db.Set<BacktestRecord>().Where(r => r.Id == b.Id).Select(r => r.CancelRequested).SingleAsync(ct)) await b.Cancellation.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Writes how the backtest ended and its report; not cancellable, so a cancelled one is recorded as such.</summary>
    private async Task SaveEndAsync(Backtest b)
    {
        await using var scope = scopes.CreateAsyncScope();
        var report = b.Status == BacktestStatus.Completed ? JsonSerializer.Serialize(b.Report(), RespondDbContext.JsonOptions) : null;
        await scope.ServiceProvider.GetRequiredService<RespondDbContext>().Set<BacktestRecord>().Where(r => r.Id == b.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, b.Status).SetProperty(r => r.FinishedAt, b.FinishedAt).SetProperty(r => r.Error, b.Error)
            .SetProperty(r => r.TotalEvents, b.TotalEvents).SetProperty(r => r.ProcessedEvents, b.ProcessedEvents)
            .SetProperty(r => r.TriggeredEvents, b.TriggeredEvents).SetProperty(r => r.AlertCount, b.AlertCount)
            .SetProperty(r => r.SuppressedMatches, b.SuppressedMatches).SetProperty(r => r.ProgressAt, b.FinishedAt!.Value)
            .SetProperty(r => r.Report, report));
    }

    private async Task RunAsync(Backtest backtest, RuleSnapshot rule)
    {
        var ct = backtest.Cancellation.Token;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            var events = Query(db, backtest);
            backtest.TotalEvents = await events.CountAsync(ct);
            await SaveProgressAsync(db, backtest, ct);
            var compiled = CompiledRule.Compile(rule);
            var alerts = new RecordingAlertSink();
            var actions = new RecordingActionDispatcher();
            var approvals = new RecordingApprovalGateway();
            var engine = new WorkflowEngine(new InMemoryWindowStore(), alerts, actions, approvals, new InMemoryInstanceStore(),
                new ManualResumeScheduler(), time, new WorkflowEngineOptions { PersistCompletedInstances = false }, expressions);
            (DateTimeOffset Time, long Sequence) cursor = (DateTimeOffset.MinValue, 0);
            while (true)
            {
                var page = await events
                    .Where(e => e.Time > cursor.Time || (e.Time == cursor.Time && e.Sequence > cursor.Sequence))
                    .OrderBy(e => e.Time).ThenBy(e => e.Sequence).Take(PageSize)
                    .Select(e => new { e.Sequence, e.Time, e.Json }).ToListAsync(ct);
                if (page.Count == 0) break;
                foreach (var row in page)
                {
                    var e = EventMapping.ToWorkflowEvent(JsonDocument.Parse(row.Json).RootElement.Clone());
                    if (compiled.Accepts(e))
                    {
                        backtest.TriggeredEvents++;
                        var (a0, x0, p0) = (alerts.Raised.Count, actions.Dispatched.Count, approvals.Openings.Count);
                        var instance = await engine.StartAsync(compiled, e, ct);
                        while (instance is { Status: InstanceStatus.Suspended, Bookmark: { Kind: Bookmark.Delay } delay })
                            instance = await engine.ResumeAsync(instance.Id, delay.Id, "next", null, ct) ?? instance;
                        Record(backtest, e, alerts.Raised.Skip(a0).ToList(), actions.Dispatched.Skip(x0).ToList(), approvals.Openings.Skip(p0).Select(o => o.Opening).ToList());
                    }
                    backtest.ProcessedEvents++;
                }
                cursor = (page[^1].Time, page[^1].Sequence);
                await SaveProgressAsync(db, backtest, ct);
            }
            backtest.Status = BacktestStatus.Completed;
        }
        catch (OperationCanceledException)
        {
            backtest.Status = BacktestStatus.Cancelled;
        }
        catch (Exception ex)
        {
            RuleTestingLog.BacktestFailed(logger, ex, backtest.Id);
            backtest.Error = "The backtest failed; the server log has the details.";
            backtest.Status = BacktestStatus.Failed;
        }
        backtest.FinishedAt = time.GetUtcNow();
        try
        {
            await SaveEndAsync(backtest);
        }
        catch (Exception ex)
        {
            RuleTestingLog.BacktestFailed(logger, ex, backtest.Id);
        }
        finally
        {
            _running.TryRemove(backtest.Id, out _);
        }
    }

    private static IQueryable<StoredEvent> Query(RespondDbContext db, Backtest backtest)
    {
        var q = db.Events.AsNoTracking().Where(e => e.Time >= backtest.From && e.Time < backtest.To);
        if (backtest.OrganizationScope.Count > 0)
        {
            var orgs = backtest.OrganizationScope.ToList();
            q = q.Where(e => orgs.Contains(e.OrganizationId));
        }
        return q;
    }

    private static void Record(Backtest b, WorkflowEvent e, IReadOnlyList<(Respond.Workflows.Runtime.Ports.AlertRequest Request, Respond.Workflows.Runtime.Ports.AlertOutcome Outcome)> raised,
        IReadOnlyList<Respond.Workflows.Runtime.Ports.ProposedAction> dispatched, IReadOnlyList<Respond.Workflows.Runtime.Ports.ApprovalOpening> opened)
    {
        var day = e.Time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var proposed = dispatched.Concat(opened.SelectMany(o => o.ProposedActions)).ToList();
        var newAlerts = raised.Count(r => !r.Outcome.Suppressed);
        b.SuppressedMatches += raised.Count - newAlerts;
        b.AlertCount += newAlerts;
        var current = b.PerDay.GetValueOrDefault(day) ?? new BacktestDay(day, 0, 0, 0);
        b.PerDay[day] = current with { Alerts = current.Alerts + newAlerts, Actions = current.Actions + proposed.Count, ApprovalRequests = current.ApprovalRequests + opened.Count };
        foreach (var (request, outcome) in raised)
        {
            b.GroupKeys[request.GroupKey] = b.GroupKeys.GetValueOrDefault(request.GroupKey) + 1;
            if (!outcome.Suppressed && b.Samples.Count < Backtest.SampleSize)
                b.Samples.Add(new BacktestMatch(e.Id, e.Time, request.Title, request.GroupKey));
        }
        foreach (var action in proposed)
        {
            var target = action.Type + " " + string.Join(",", action.Target.Values);
            b.Targets[target] = b.Targets.GetValueOrDefault(target) + 1;
        }
    }
}

internal static partial class RuleTestingLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "Backtest {BacktestId} failed")]
    public static partial void BacktestFailed(ILogger logger, Exception exception, string backtestId);
}
