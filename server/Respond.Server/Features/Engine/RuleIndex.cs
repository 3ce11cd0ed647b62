using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Rules;
using Respond.Server.Persistence;
using Respond.Workflows;
using Respond.Workflows.Runtime;

namespace Respond.Server.Features.Engine;

/// <summary>
/// The active rules, compiled into the runtime's trigger index. Rebuilt from the database at start-up and
/// whenever a rule changes, then swapped in whole, so evaluation never sees half an update.
/// </summary>
public sealed class RuleIndex(IServiceScopeFactory scopes, Quartz.ISchedulerFactory schedulers)
{
    public TriggerIndex Triggers { get; } = new();

    public IReadOnlyList<RuleSnapshot> Active { get; private set; } = [];

    /// <summary>The window of every threshold and correlate node of the active rules, for evicting windows that ended.</summary>
    public IReadOnlyDictionary<(string RuleId, string NodeId), TimeSpan> WindowLengths { get; private set; } = new Dictionary<(string, string), TimeSpan>();

    public async Task ReloadAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RespondDbContext>();
        var rules = await db.Rules.AsNoTracking().Where(r => r.Status == RuleStatus.Active && r.RunningVersion != null).ToListAsync(ct);
        // A change waiting for approval (change control) is not what runs: the running version's saved state is.
        var waiting = rules.Where(r => r.RunningVersion != r.Version).Select(r => r.Id).ToList();
        var running = waiting.Count == 0 ? [] : await db.RuleVersions.AsNoTracking().Where(v => waiting.Contains(v.RuleId)).ToListAsync(ct);
        Active = rules.Select(r => running.SingleOrDefault(v => v.RuleId == r.Id && v.Version == r.RunningVersion) is { } v
                ? Snapshot(r.Id, v.Name, v.Version, v.DefinitionHash, v.Outcome, OrganizationScope.Decode(v.Organizations ?? r.Organizations), v.DefinitionJson)
                : r.RunningVersion == r.Version && r.IsValid ? Snapshot(r.Id, r.Name, r.Version, r.DefinitionHash, r.Outcome, r.OrganizationIds, r.DefinitionJson) : null)
            .OfType<RuleSnapshot>().ToList();
        Triggers.Replace(Active);
        WindowLengths = Active.SelectMany(r => r.Definition.Nodes
                .Where(n => n.Type is "condition.threshold" or "condition.correlate")
                .Select(n => (r.RuleId, n.Id, Window: IsoDuration.TryParse(n.Config["window"]?.GetValue<string>(), out var d) ? d.Value : TimeSpan.Zero)))
            .Where(w => w.Window > TimeSpan.Zero)
            .ToDictionary(w => (w.RuleId, w.Id), w => w.Window);
        await ScheduledRuleJob.SyncAsync(await schedulers.GetScheduler(ct), Triggers.CronTriggers, ct);
    }

    public static RuleSnapshot Snapshot(string id, string name, int version, string hash, RuleOutcome outcome, IReadOnlyList<string> organizations, string definitionJson) =>
        new(id, name, version, hash, outcome, organizations, WorkflowDefinition.Parse(JsonDocument.Parse(definitionJson).RootElement.Clone()).Definition);
}
