using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Rules;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Runtime;

namespace Respond.Server.Features.Engine;

/// <summary>
/// The active rules, compiled into the runtime's trigger index. Loaded whole at start-up; afterwards a change loads and
/// compiles only the rule that changed (<see cref="RuleChangedAsync"/>), and each change is swapped in whole, so
/// evaluation never sees half an update.
/// </summary>
public sealed class RuleIndex(IServiceScopeFactory scopes, Quartz.ISchedulerFactory schedulers) : IRunningRules
{
    private readonly SemaphoreSlim _changes = new(1, 1);
    private long _definitionsRead;

    public TriggerIndex Triggers { get; } = new();

    public IReadOnlyList<RuleSnapshot> Active { get; private set; } = [];

    /// <summary>How many rule definitions this index read and parsed since start-up: all at start, then one per change.</summary>
    public long DefinitionsRead => Interlocked.Read(ref _definitionsRead);

    /// <summary>The window of every threshold and correlate node of the active rules, for evicting windows that ended.</summary>
    public IReadOnlyDictionary<(string RuleId, string NodeId), TimeSpan> WindowLengths { get; private set; } = new Dictionary<(string, string), TimeSpan>();

    public async Task ReloadAsync(CancellationToken ct)
    {
        await _changes.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            var rules = await db.Rules.AsNoTracking().Where(r => r.Status == RuleStatus.Active && r.RunningVersion != null).ToListAsync(ct);
            // A change waiting for approval (change control) is not what runs: the running version's saved state is.
            var waiting = rules.Where(r => r.RunningVersion != r.Version).Select(r => r.Id).ToList();
            var running = waiting.Count == 0 ? [] : await db.RuleVersions.AsNoTracking().Where(v => waiting.Contains(v.RuleId)).ToListAsync(ct);
            Active = rules.Select(r => Running(r, running.SingleOrDefault(v => v.RuleId == r.Id && v.Version == r.RunningVersion))).OfType<RuleSnapshot>().ToList();
            Triggers.Replace(Active);
            WindowLengths = Active.SelectMany(Windows).ToDictionary(w => w.Key, w => w.Value);
            await ScheduledRuleJob.SyncAsync(await schedulers.GetScheduler(ct), Triggers.CronTriggers, ct);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>One rule was created, edited, activated, paused or deleted: only it is read and compiled; the others stay as they are.</summary>
    public async Task RuleChangedAsync(string ruleId, CancellationToken ct)
    {
        await _changes.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
            var rule = await db.Rules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == ruleId && r.Status == RuleStatus.Active && r.RunningVersion != null, ct);
            var version = rule is not null && rule.RunningVersion != rule.Version
                ? await db.RuleVersions.AsNoTracking().SingleOrDefaultAsync(v => v.RuleId == ruleId && v.Version == rule.RunningVersion, ct)
                : null;
            var snapshot = rule is null ? null : Running(rule, version);
            Triggers.Replace(ruleId, snapshot);
            Active = [.. Active.Where(r => r.RuleId != ruleId), .. snapshot is null ? [] : new[] { snapshot }];
            WindowLengths = WindowLengths.Where(w => w.Key.RuleId != ruleId)
                .Concat(snapshot is null ? [] : Windows(snapshot)).ToDictionary(w => w.Key, w => w.Value);
            await ScheduledRuleJob.SyncAsync(await schedulers.GetScheduler(ct), ruleId, Triggers.CronTriggers.SingleOrDefault(t => t.RuleId == ruleId), ct);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>What runs of an active rule: its running version's saved state while a newer change waits for approval, else the rule as it is.</summary>
    private RuleSnapshot? Running(Rule rule, RuleVersion? waitingOn)
    {
        Interlocked.Increment(ref _definitionsRead);
        return waitingOn is { } v
        ? Snapshot(rule.Id, v.Name, v.Version, v.DefinitionHash, v.Outcome, OrganizationScope.Decode(v.Organizations ?? rule.Organizations), v.DefinitionJson)
        : rule.RunningVersion == rule.Version && rule.IsValid ? Snapshot(rule.Id, rule.Name, rule.Version, rule.DefinitionHash, rule.Outcome, rule.OrganizationIds, rule.DefinitionJson) : null;
    }

    private static IEnumerable<KeyValuePair<(string RuleId, string NodeId), TimeSpan>> Windows(RuleSnapshot rule) => rule.Definition.Nodes
        .Where(n => n.Type is "condition.threshold" or "condition.correlate")
        .Select(n => (n.Id, Window: IsoDuration.TryParse(n.Config["window"]?.GetValue<string>(), out var d) ? d.Value : TimeSpan.Zero))
        .Where(w => w.Window > TimeSpan.Zero)
        .Select(w => KeyValuePair.Create((rule.RuleId, w.Id), w.Window));

    public static RuleSnapshot Snapshot(string id, string name, int version, string hash, RuleOutcome outcome, IReadOnlyList<string> organizations, string definitionJson) =>
        new(id, name, version, hash, outcome, organizations, WorkflowDefinition.Parse(JsonDocument.Parse(definitionJson).RootElement.Clone()).Definition);
}
