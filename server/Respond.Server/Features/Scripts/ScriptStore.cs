using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;
using Respond.Workflows.Scripting;

namespace Respond.Server.Features.Scripts;

/// <summary>
/// Loading a script for a change and saving it: scoping, the checker gate, expected-version checks, the version row
/// and the audit entry happen here so every script mutation gets them the same way.
/// </summary>
public sealed class ScriptStore(RespondDbContext db, AuditTrail audit, TimeProvider time, ScriptCheckPool checks)
{
    /// <summary>How many diagnostics a SCRIPT_REFUSED message lists.</summary>
    private const int ListedDiagnostics = 5;

    public DateTimeOffset Now => time.GetUtcNow();

    public void Add(Script script) => db.Scripts.Add(script);

    public async Task<(Script? Script, UserError? Error)> LoadForChangeAsync(string id, RespondPrincipal by, int? expectedVersion, CancellationToken ct)
    {
        var script = await db.Scripts.VisibleTo(by).SingleOrDefaultAsync(s => s.Id == id, ct);
        if (script is null) return (null, UserError.NotFound("script"));
        if (!script.CanBeChangedBy(by))
            return (null, new UserError(UserErrorCode.Forbidden, "This script covers organizations you cannot manage.", "id"));
        if (expectedVersion is { } expected && expected != script.Version)
            return (null, Stale(expected, script.Version));
        return (script, null);
    }

    /// <summary>
    /// The checker's verdict (the same killable check as validateScript): the warnings when the source may be saved, else
    /// SCRIPT_REFUSED naming the first diagnostics.
    /// </summary>
    public async Task<(int Warnings, UserError? Error)> CheckAsync(string source, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(source)) return (0, new UserError(UserErrorCode.Validation, "A script needs a source.", "source"));
        var diagnostics = await checks.CheckAsync(source, ScriptKind.RunScript, ct);
        if (ScriptChecker.Passes(diagnostics)) return (diagnostics.Count, null);
        var errors = diagnostics.Where(d => d.IsError).ToList();
        var listed = string.Join("; ", errors.Take(ListedDiagnostics).Select(d =>
            $"{d.Line}:{d.Column} {d.Code}{(d.Symbol is null ? "" : " " + d.Symbol)}: {d.Message}"));
        var more = errors.Count > ListedDiagnostics ? $" (and {errors.Count - ListedDiagnostics} more; validateScript lists all)" : "";
        return (0, new UserError(UserErrorCode.ScriptRefused, $"The script check refused the source with {errors.Count} error(s): {listed}{more}. Nothing was saved.", "source"));
    }

    public static UserError? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200
            ? new UserError(UserErrorCode.Validation, "A script needs a name of 1 to 200 characters.", "name")
            : null;

    public async Task<UserError?> CheckOrganizationsAsync(IReadOnlyList<string> organizationIds, RespondPrincipal by, CancellationToken ct)
    {
        if (organizationIds.Count == 0)
            return by.SeesAllOrganizations ? null
                : new UserError(UserErrorCode.Forbidden, "Only a principal of every organization may scope a script to all organizations; list yours.", "organizationIds");
        var known = await db.Organizations.Where(o => organizationIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct);
        var unknown = organizationIds.Where(id => !known.Contains(id) || !by.CanSee(id)).ToList();
        return unknown.Count == 0 ? null
            : new UserError(UserErrorCode.NotFound, $"Unknown organization(s): {string.Join(", ", unknown)}.", "organizationIds");
    }

    /// <summary>Saves the script with the audit entry; <paramref name="warnings"/> is non-null when a new version row is due.</summary>
    public async Task<UserError?> SaveAsync(Script script, RespondPrincipal by, string action, int? warnings, object? before, CancellationToken ct)
    {
        if (warnings is { } count) db.ScriptVersions.Add(ScriptVersion.Of(script, count));
        audit.Record(by, action, "Script", script.Id, script.OrganizationIds, before, Summary(script));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale(script.Version, null);
        }
        return null;
    }

    public static object Summary(Script s) => new
    {
        s.Name,
        s.Version,
        s.ContentHash,
        s.IsSafe,
        Organizations = s.OrganizationIds,
    };

    private static UserError Stale(int expected, int? actual) => new(UserErrorCode.StaleVersion,
        actual is null
            ? "The script changed while this update was being saved; reload it and try again. Nothing was overwritten."
            : $"The script is at version {actual}, not {expected}: someone changed it. Reload it and try again; nothing was overwritten.",
        "expectedVersion");
}
