using System.Linq.Expressions;
using Respond.Server.Identity;

namespace Respond.Server.Persistence;

/// <summary>
/// A set of organization ids stored as one delimited column (",a,b,"; "" = every organization) so that
/// "visible to this principal" is a plain LIKE on both SQLite and SQL Server, with no join per list query.
/// </summary>
public static class OrganizationScope
{
    public static string Encode(IEnumerable<string> organizationIds)
    {
        var ids = organizationIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? "" : "," + string.Join(",", ids) + ",";
    }

    public static IReadOnlyList<string> Decode(string scope) =>
        scope.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Rows whose scope is workspace-wide or names one of the principal's organizations.</summary>
    public static IQueryable<T> WhereScopeVisibleTo<T>(this IQueryable<T> query, Expression<Func<T, string>> scope, RespondPrincipal principal)
    {
        if (principal.SeesAllOrganizations) return query;
        var parameter = scope.Parameters[0];
        Expression body = Expression.Equal(scope.Body, Expression.Constant(""));
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        foreach (var org in principal.Organizations)
            body = Expression.OrElse(body, Expression.Call(scope.Body, contains, Expression.Constant("," + org + ",")));
        return query.Where(Expression.Lambda<Func<T, bool>>(body, parameter));
    }

    /// <summary>Rows that belong to one organization (<paramref name="organization"/>) the principal may see.</summary>
    public static IQueryable<T> WhereOrganizationVisibleTo<T>(this IQueryable<T> query, Expression<Func<T, string>> organization, RespondPrincipal principal)
    {
        if (principal.SeesAllOrganizations) return query;
        var visible = principal.Organizations.ToList();
        var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], Expression.Constant(visible), organization.Body);
        return query.Where(Expression.Lambda<Func<T, bool>>(contains, organization.Parameters[0]));
    }

    /// <summary>Rows whose scope names the given organization (or is workspace-wide when <paramref name="includeWorkspaceWide"/>).</summary>
    public static IQueryable<T> WhereScopeIncludes<T>(this IQueryable<T> query, Expression<Func<T, string>> scope, string organizationId, bool includeWorkspaceWide)
    {
        var parameter = scope.Parameters[0];
        var contains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
        Expression body = Expression.Call(scope.Body, contains, Expression.Constant("," + organizationId + ","));
        if (includeWorkspaceWide) body = Expression.OrElse(body, Expression.Equal(scope.Body, Expression.Constant("")));
        return query.Where(Expression.Lambda<Func<T, bool>>(body, parameter));
    }
}
