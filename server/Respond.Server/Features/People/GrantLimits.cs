using Microsoft.EntityFrameworkCore;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

/// <summary>
/// Nobody grants more than they hold: every role granted is one the granter holds (Admin holds them all), every
/// organization one the granter holds, and "*" only from a principal of every organization. An administrator manages
/// only the people and clients wholly inside their own organizations; anyone else's record answers NOT_FOUND.
/// </summary>
public static class GrantLimits
{
    public static async Task<UserError?> RefusalAsync(RespondDbContext db, RespondPrincipal by, IReadOnlyList<string> roles, IReadOnlyList<string> organizations, CancellationToken ct)
    {
        if (roles.Count == 0) return new UserError(UserErrorCode.Validation, "Give at least one role.", "roles");
        if (roles.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            return new UserError(UserErrorCode.Validation, $"\"{unknown}\" is not a role; roles are {string.Join(", ", Roles.All.Order(StringComparer.Ordinal))}.", "roles");
        if (roles.FirstOrDefault(r => !Holds(by, r)) is { } beyond)
            return new UserError(UserErrorCode.Forbidden, $"You cannot grant the role {beyond}: you do not hold it.", "roles");
        if (organizations.Count == 0) return new UserError(UserErrorCode.Validation, "Give at least one organization (\"*\" for every organization).", "organizations");
        if (organizations.Contains(RespondPrincipal.AllOrganizations) && !by.SeesAllOrganizations)
            return new UserError(UserErrorCode.Forbidden, "You cannot grant every organization (\"*\"): you do not hold it.", "organizations");
        var named = organizations.Where(o => o != RespondPrincipal.AllOrganizations).ToList();
        if (named.FirstOrDefault(o => !by.CanSee(o)) is { } foreign)
            return new UserError(UserErrorCode.Forbidden, $"You cannot grant organization {foreign}: you do not hold it.", "organizations");
        var known = await db.Organizations.AsNoTracking().Where(o => named.Contains(o.Id)).Select(o => o.Id).ToListAsync(ct);
        if (named.FirstOrDefault(o => !known.Contains(o)) is { } missing)
            return new UserError(UserErrorCode.Validation, $"There is no organization {missing}.", "organizations");
        return null;
    }

    /// <summary>An administrator manages a record whose organizations are all theirs ("*" only for a principal of every organization).</summary>
    public static bool CanManage(RespondPrincipal by, IEnumerable<string> organizations) =>
        by.SeesAllOrganizations || organizations.All(o => o != RespondPrincipal.AllOrganizations && by.Organizations.Contains(o));

    private static bool Holds(RespondPrincipal by, string role) => by.IsInRole(role) || by.IsInRole(Roles.Admin);
}
