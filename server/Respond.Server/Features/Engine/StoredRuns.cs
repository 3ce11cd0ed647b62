using Microsoft.EntityFrameworkCore;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows.Runtime;

namespace Respond.Server.Features.Engine;

/// <summary>The engine's stored runs (<see cref="WorkflowInstanceRecord"/>) as the features that read them ask for them.</summary>
internal sealed class StoredRuns(RespondDbContext db) : Rules.IRuleRunHistory, Actions.ITriggeringEvents
{
    private static readonly string Faulted = InstanceStatus.Faulted.ToString();

    public async Task<Rules.RuleRunFaults> FaultsAsync(string ruleId, int version, RespondPrincipal by, CancellationToken ct)
    {
        var faulted = db.WorkflowInstances.AsNoTracking().WhereOrganizationVisibleTo(i => i.OrganizationId, by)
            .Where(i => i.RuleId == ruleId && i.RuleVersion == version && i.Status == Faulted);
        var count = await faulted.CountAsync(ct);
        if (count == 0) return new Rules.RuleRunFaults(0, null, null);
        var last = await faulted.OrderByDescending(i => i.StartedAt).ThenBy(i => i.Id).Select(i => new { i.Error, i.EndedAt, i.StartedAt }).FirstAsync(ct);
        return new Rules.RuleRunFaults(count, last.Error, last.EndedAt ?? last.StartedAt);
    }

    public Task<string?> EventJsonAsync(string workflowInstanceId, CancellationToken ct) =>
        db.WorkflowInstances.AsNoTracking().Where(i => i.Id == workflowInstanceId).Select(i => i.EventJson).SingleOrDefaultAsync(ct);
}
