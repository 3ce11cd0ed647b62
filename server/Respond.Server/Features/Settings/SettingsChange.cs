using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Settings;

/// <summary>
/// The one way settings change: load, check the caller's expected version, apply, audit, save; a concurrent
/// change between load and save is refused as STALE_VERSION and nothing is written.
/// </summary>
public sealed class SettingsChange(RespondDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<RespondSettingsPayload> ApplyAsync(RespondPrincipal by, string action, int? expectedVersion,
        Func<RespondSettings, DateTimeOffset, UserError?> change, CancellationToken ct)
    {
        var settings = await db.Settings.SingleAsync(ct);
        if (expectedVersion is { } expected && expected != settings.Version)
            return RespondSettingsPayload.Fail(Stale(expected, settings.Version));
        var before = Snapshot(settings);
        var now = time.GetUtcNow();
        if (change(settings, now) is { } error) return RespondSettingsPayload.Fail(error);
        audit.Record(by, action, "RespondSettings", "respond", [], before, Snapshot(settings));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RespondSettingsPayload.Fail(Stale(expectedVersion ?? settings.Version - 1, null));
        }
        return RespondSettingsPayload.Ok(settings);
    }

    public Task<RespondSettings> CurrentAsync(CancellationToken ct) => db.Settings.AsNoTracking().SingleAsync(ct);

    private static UserError Stale(int expected, int? actual) => new("STALE_VERSION",
        actual is null
            ? "The settings changed while this update was being saved; reload them and try again."
            : $"The settings are at version {actual}, not {expected}; reload them and try again.", "expectedVersion");

    private static object Snapshot(RespondSettings s) => new
    {
        s.Enabled,
        s.AcknowledgedTerms,
        ApprovalRequired = s.ApprovalRequired.ToList(),
        AutoResponse = new
        {
            s.AutoResponse.AutoIsolateOnCritical,
            s.AutoResponse.AutoKillOnHigh,
            s.AutoResponse.ActiveHours,
            AlwaysRequireApproval = s.AutoResponse.AlwaysRequireApproval.ToList(),
        },
        s.Version,
    };
}
