using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Settings;

/// <summary>
/// The one way settings change: check who may change which settings, load, check the caller's expected version,
/// apply, audit, save; a concurrent change between load and save is refused as STALE_VERSION and nothing is written.
/// Without an organization the change is to the installation-wide defaults, which only a principal of every
/// organization may make; an organization the caller does not hold answers NOT_FOUND, as if it did not exist.
/// </summary>
public sealed class SettingsChange(RespondDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<RespondSettingsPayload> ApplyAsync(RespondPrincipal by, string? organizationId, string action, int? expectedVersion,
        Func<RespondSettings, DateTimeOffset, UserError?> change, CancellationToken ct)
    {
        if (await RefusalAsync(by, organizationId, ct) is { } refused) return RespondSettingsPayload.Fail(refused);
        var key = organizationId ?? RespondSettings.Defaults;
        var settings = await db.Settings.SingleOrDefaultAsync(s => s.OrganizationId == key, ct);
        var inherited = settings is null;
        if (settings is null)
        {
            var defaults = await db.Settings.AsNoTracking().SingleOrDefaultAsync(s => s.OrganizationId == RespondSettings.Defaults, ct) ?? new RespondSettings();
            settings = defaults.CopyFor(key);
        }
        if (expectedVersion is { } expected && expected != settings.Version)
            return RespondSettingsPayload.Fail(Stale(expected, settings.Version));
        var before = Snapshot(settings);
        var now = time.GetUtcNow();
        if (change(settings, now) is { } error) return RespondSettingsPayload.Fail(error);
        if (inherited) db.Settings.Add(settings);
        audit.Record(by, action, "RespondSettings", key, await AffectedAsync(key, ct), before, Snapshot(settings) with { CopiedFromDefaults = inherited });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) // a concurrent update, or a concurrent first change of the same organization
        {
            return RespondSettingsPayload.Fail(Stale(expectedVersion ?? settings.Version - 1, null));
        }
        return RespondSettingsPayload.Ok(new OrganizationSettings(key, false, settings));
    }

    /// <summary>The defaults, or the settings of an organization the caller holds; null when the organization is not visible to them.</summary>
    public async Task<OrganizationSettings?> CurrentAsync(RespondPrincipal by, string? organizationId, CancellationToken ct)
    {
        if (organizationId is null) return await db.ViewForAsync(RespondSettings.Defaults, ct);
        if (!await VisibleAsync(by, organizationId, ct)) return null;
        return await db.ViewForAsync(organizationId, ct);
    }

    private async Task<UserError?> RefusalAsync(RespondPrincipal by, string? organizationId, CancellationToken ct)
    {
        if (organizationId is null)
            return by.SeesAllOrganizations
                ? null
                : new UserError(UserErrorCode.Forbidden, "The installation-wide defaults are changed only by an Admin of every organization; pass organizationId to change one of yours.", "organizationId");
        return await VisibleAsync(by, organizationId, ct) ? null : UserError.NotFound("organization", "organizationId");
    }

    private Task<bool> VisibleAsync(RespondPrincipal by, string organizationId, CancellationToken ct) =>
        by.CanSee(organizationId) && organizationId != RespondSettings.Defaults
            ? db.Organizations.AnyAsync(o => o.Id == organizationId, ct)
            : Task.FromResult(false);

    /// <summary>An organization's own change affects it alone; a change of the defaults affects every organization that follows them.</summary>
    private async Task<IReadOnlyList<string>> AffectedAsync(string key, CancellationToken ct)
    {
        if (key != RespondSettings.Defaults) return [key];
        var own = db.Settings.Select(s => s.OrganizationId);
        return await db.Organizations.Where(o => !own.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct);
    }

    private static UserError Stale(int expected, int? actual) => new(UserErrorCode.StaleVersion,
        actual is null
            ? "The settings changed while this update was being saved; reload them and try again."
            : $"The settings are at version {actual}, not {expected}; reload them and try again.", "expectedVersion");

    private static SettingsSnapshot Snapshot(RespondSettings s) => new(
        s.OrganizationId == RespondSettings.Defaults ? null : s.OrganizationId,
        s.Enabled,
        [.. s.AcknowledgedTerms],
        [.. s.ApprovalRequired],
        s.ApprovalPolicies.Select(p => p.Copy()).ToList(),
        [.. s.OnCall],
        new
        {
            s.AutoResponse.AutoIsolateOnCritical,
            s.AutoResponse.AutoKillOnHigh,
            s.AutoResponse.ActiveHours,
            AlwaysRequireApproval = s.AutoResponse.AlwaysRequireApproval.ToList(),
        },
        [.. s.ProtectedDevices],
        [.. s.ProtectedAccounts],
        s.Version);

    private sealed record SettingsSnapshot(string? OrganizationId, bool Enabled, List<string> AcknowledgedTerms, List<Respond.Workflows.ResponseActionType> ApprovalRequired,
        List<ActionApprovalPolicy> ApprovalPolicies, List<string> OnCall, object AutoResponse, List<string> ProtectedDevices, List<string> ProtectedAccounts, int Version, bool? CopiedFromDefaults = null);
}
