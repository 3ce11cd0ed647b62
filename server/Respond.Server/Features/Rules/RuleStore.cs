using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Rules;

/// <summary>
/// Loading a rule for a change and saving it: scoping, expected-version checks, the version history row and
/// the audit entry all happen here so every rule mutation gets them the same way.
/// </summary>
public sealed class RuleStore(RespondDbContext db, AuditTrail audit, TimeProvider time, IRunningRules running, RuleChangeControl changeControl)
{
    public DateTimeOffset Now => time.GetUtcNow();

    public RuleChangeControl ChangeControl => changeControl;

    public async Task<(Rule? Rule, UserError? Error)> LoadForChangeAsync(string id, RespondPrincipal by, int? expectedVersion, CancellationToken ct)
    {
        var rule = await db.Rules.WhereScopeVisibleTo(r => r.Organizations, by).SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null) return (null, UserError.NotFound("rule"));
        if (!rule.CanBeChangedBy(by))
            return (null, new UserError(UserErrorCode.Forbidden, "This rule covers organizations you cannot manage.", "id"));
        if (expectedVersion is { } expected && expected != rule.Version)
            return (null, Stale(expected, rule.Version));
        return (rule, null);
    }

    public void Add(Rule rule) => db.Rules.Add(rule);

    /// <summary>The saved version the engine runs for this rule, or null when it does not run.</summary>
    public async Task<RuleVersion?> RunningVersionAsync(Rule rule, CancellationToken ct) =>
        rule.Status == RuleStatus.Active && rule.RunningVersion is { } version
            ? await db.RuleVersions.AsNoTracking().SingleOrDefaultAsync(v => v.RuleId == rule.Id && v.Version == version, ct)
            : null;

    /// <summary>The rule's activation request while it can still be decided.</summary>
    public async Task<Approvals.ApprovalRequest?> PendingActivationAsync(Rule rule, CancellationToken ct)
    {
        if (rule.PendingActivationRequestId is not { } id) return null;
        var now = time.GetUtcNow();
        return await db.ApprovalRequests.SingleOrDefaultAsync(r => r.Id == id && r.Status == Approvals.ApprovalStatus.Pending && r.ExpiresAt > now, ct);
    }

    public async Task<UserError?> SaveAsync(Rule rule, RespondPrincipal by, string action, string change, object? before, CancellationToken ct)
    {
        Stage(rule, by, action, change, before);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale(rule.Version - 1, null);
        }
        // The engine picks up the change (activation, pause, a new definition) before the next event.
        await running.RuleChangedAsync(rule.Id, ct);
        await changeControl.PublishAsync(ct);
        return null;
    }

    /// <summary>Adds the version row and the audit entry of a change; the caller saves them with it (one transaction).</summary>
    public void Stage(Rule rule, RespondPrincipal by, string action, string change, object? before)
    {
        // A save that changed no version (a request opened, say) adds no version row: (rule, version) is unique.
        if (change.Length > 0) db.RuleVersions.Add(RuleVersion.Of(rule, change));
        audit.Record(by, action, "Rule", rule.Id, rule.OrganizationIds, before, Summary(rule));
    }

    /// <summary>After a committed change made elsewhere (an approval): the engine picks up that rule.</summary>
    public Task ChangedAsync(string ruleId, CancellationToken ct) => running.RuleChangedAsync(ruleId, ct);

    public async Task DeleteAsync(Rule rule, RespondPrincipal by, CancellationToken ct)
    {
        await changeControl.CancelPendingAsync(rule, by, "The rule was deleted.", ct);
        db.Rules.Remove(rule);
        await db.RuleVersions.Where(v => v.RuleId == rule.Id).ExecuteDeleteAsync(ct);
        // The audit entry keeps the last definition, so a deleted rule can still be read and recreated.
        audit.Record(by, "rule.deleted", "Rule", rule.Id, rule.OrganizationIds, Summary(rule, withDefinition: true), null);
        await db.SaveChangesAsync(ct);
        // Its windows are dropped by the partitions' next eviction (no active node counts on them any more).
        await running.RuleChangedAsync(rule.Id, ct);
        await changeControl.PublishAsync(ct);
    }

    public async Task<UserError?> CheckOrganizationsAsync(IReadOnlyList<string> organizationIds, RespondPrincipal by, CancellationToken ct)
    {
        if (organizationIds.Count == 0)
            return by.SeesAllOrganizations ? null
                : new UserError(UserErrorCode.Forbidden, "Only a principal of every organization may scope a rule to all organizations; list yours.", "organizationIds");
        var known = await db.Organizations.Where(o => organizationIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct);
        var unknown = organizationIds.Where(id => !known.Contains(id) || !by.CanSee(id)).ToList();
        return unknown.Count == 0 ? null
            : new UserError(UserErrorCode.NotFound, $"Unknown organization(s): {string.Join(", ", unknown)}.", "organizationIds");
    }

    public static object Summary(Rule r, bool withDefinition = false) => new
    {
        r.Name,
        Status = r.Status.ToString(),
        Outcome = r.Outcome.ToString(),
        r.Version,
        r.RunningVersion,
        r.PendingActivationRequestId,
        r.ActivationApprovedBy,
        r.DefinitionHash,
        r.IsValid,
        Organizations = r.OrganizationIds,
        Definition = withDefinition ? r.DefinitionJson : null,
    };

    private static UserError Stale(int expected, int? actual) => new(UserErrorCode.StaleVersion,
        actual is null
            ? "The rule changed while this update was being saved; reload it and try again. Nothing was overwritten."
            : $"The rule is at version {actual}, not {expected}: someone changed it. Reload it and try again; nothing was overwritten.",
        "expectedVersion");
}
