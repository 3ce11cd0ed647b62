using Microsoft.EntityFrameworkCore;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Settings;

/// <summary>The settings that govern one organization: its own row, else the installation-wide defaults.</summary>
public sealed record OrganizationSettings(string OrganizationId, bool InheritsDefaults, RespondSettings Settings);

/// <summary>
/// The one way the engine, approvals, auto-response, protected targets and the Respond switch read settings
/// (issue 11): always for an organization, so one tenant's settings never govern another's events and actions.
/// </summary>
public static class EffectiveSettings
{
    /// <summary>The settings of <paramref name="organizationId"/> (untracked).</summary>
    public static async Task<RespondSettings> ForAsync(this RespondDbContext db, string organizationId, CancellationToken ct) =>
        (await db.ViewForAsync(organizationId, ct)).Settings;

    /// <summary>The settings of <paramref name="organizationId"/> and whether they are the inherited defaults (untracked).</summary>
    public static async Task<OrganizationSettings> ViewForAsync(this RespondDbContext db, string organizationId, CancellationToken ct)
    {
        var rows = await db.Settings.AsNoTracking()
            .Where(s => s.OrganizationId == organizationId || s.OrganizationId == RespondSettings.Defaults).ToListAsync(ct);
        var own = rows.FirstOrDefault(s => s.OrganizationId == organizationId);
        return own is not null
            ? new OrganizationSettings(organizationId, false, own)
            : new OrganizationSettings(organizationId, organizationId != RespondSettings.Defaults, Fallback(rows));
    }

    /// <summary>
    /// Whether Respond is on for <paramref name="organizationId"/>, decided as <see cref="ViewForAsync"/> decides (its own
    /// row, else the defaults, else off) but reading the switch alone: the engine asks for every chunk of events.
    /// </summary>
    public static async Task<bool> IsRespondOnAsync(this RespondDbContext db, string organizationId, CancellationToken ct)
    {
        bool? own = null, defaults = null;
        await foreach (var row in SwitchRows.For(db)(db, organizationId).WithCancellation(ct))
            if (row.OrganizationId == organizationId) own = row.Enabled; else defaults = row.Enabled;
        return own ?? defaults ?? new RespondSettings().Enabled;
    }

    private static readonly CompiledQuery<Func<RespondDbContext, string, IAsyncEnumerable<SwitchRow>>> SwitchRows = new(() =>
        EF.CompileAsyncQuery((RespondDbContext db, string organizationId) => db.Settings.AsNoTracking()
            .Where(s => s.OrganizationId == organizationId || s.OrganizationId == RespondSettings.Defaults)
            .Select(s => new SwitchRow(s.OrganizationId, s.Enabled))));

    private sealed record SwitchRow(string OrganizationId, bool Enabled);

    /// <summary>The settings of each of <paramref name="organizationIds"/>, read in one query (ingestion, scheduled rules).</summary>
    public static async Task<IReadOnlyDictionary<string, RespondSettings>> ForEachAsync(this RespondDbContext db, IEnumerable<string> organizationIds, CancellationToken ct)
    {
        var ids = organizationIds.Distinct(StringComparer.Ordinal).ToList();
        var rows = await db.Settings.AsNoTracking()
            .Where(s => ids.Contains(s.OrganizationId) || s.OrganizationId == RespondSettings.Defaults).ToListAsync(ct);
        var defaults = Fallback(rows);
        return ids.ToDictionary(id => id, id => rows.FirstOrDefault(s => s.OrganizationId == id) ?? defaults, StringComparer.Ordinal);
    }

    /// <summary>Bootstrap writes the defaults row before anything runs; a database without one behaves as a fresh installation (Respond off).</summary>
    private static RespondSettings Fallback(List<RespondSettings> rows) =>
        rows.FirstOrDefault(s => s.IsDefaults) ?? new RespondSettings();
}
