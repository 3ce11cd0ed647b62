using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Organizations;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.Rules;

/// <summary>
/// The per-request loader of a rule's organizations and versions. Rules a list returned (the `rules` page) load both
/// for the whole page the first time one of them asks, in one query each: a page of 100 rules costs two queries, not
/// 200. Any other rule (a mutation payload, a subscription event) reads its own, uncached, so a mutation later in the
/// same document never sees what an earlier field loaded. Scoped like the DbContext; query fields run one at a time.
/// </summary>
public sealed class RuleRelations(RespondDbContext db)
{
    private readonly ListedRows<Rule> _listed = new(r => r.Id);
    private Dictionary<string, Organization>? _organizations;
    private ILookup<string, RuleVersion>? _versions;

    /// <summary>Rules a list field returned: their relations load together when the first is asked for.</summary>
    public void Listed(IEnumerable<Rule> rules)
    {
        _listed.Add(rules);
        (_organizations, _versions) = (null, null);
    }

    /// <summary>The rule's organizations that <paramref name="by"/> may see, by name.</summary>
    public async Task<IReadOnlyList<Organization>> OrganizationsAsync(Rule rule, RespondPrincipal by, CancellationToken ct)
    {
        var listed = _listed.Contains(rule);
        var organizations = listed ? _organizations : null;
        if (organizations is null)
        {
            var ids = _listed.BatchOf(rule).SelectMany(r => r.OrganizationIds).Distinct().ToList();
            organizations = (await db.Organizations.AsNoTracking().Include(o => o.Connections).Where(o => ids.Contains(o.Id)).VisibleTo(by).ToListAsync(ct))
                .ToDictionary(o => o.Id, StringComparer.Ordinal);
            if (listed) _organizations = organizations;
        }
        return [.. rule.OrganizationIds.Where(organizations.ContainsKey).Select(id => organizations[id]).OrderBy(o => o.Name, StringComparer.Ordinal)];
    }

    /// <summary>Every saved version of the rule, newest first.</summary>
    public async Task<IReadOnlyList<RuleVersion>> VersionsAsync(Rule rule, CancellationToken ct)
    {
        var listed = _listed.Contains(rule);
        var versions = listed ? _versions : null;
        if (versions is null)
        {
            var ids = _listed.BatchOf(rule).Select(r => r.Id).ToList();
            versions = (await db.RuleVersions.AsNoTracking().Where(v => ids.Contains(v.RuleId)).ToListAsync(ct)).ToLookup(v => v.RuleId, StringComparer.Ordinal);
            if (listed) _versions = versions;
        }
        return [.. versions[rule.Id].OrderByDescending(v => v.Version)];
    }
}
