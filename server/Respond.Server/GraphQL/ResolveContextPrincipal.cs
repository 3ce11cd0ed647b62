using GraphQL;
using Respond.Server.Identity;

namespace Respond.Server.GraphQL;

/// <summary>Who is resolving, and the role checks every resolver starts with.</summary>
public static class ResolveContextPrincipal
{
    public static RespondPrincipal Principal(this IResolveFieldContext context) =>
        RespondPrincipal.From(context.User) ?? throw new ExecutionError("Sign in first.") { Code = UserErrorCode.Unauthenticated.ToSchemaName() };

    /// <summary>The caller holds one of <paramref name="roles"/>, else a FORBIDDEN error and nothing runs.</summary>
    public static RespondPrincipal Require(this IResolveFieldContext context, params string[] roles)
    {
        var principal = context.Principal();
        if (!principal.IsInAnyRole(roles))
            throw new ExecutionError($"This needs one of the roles {string.Join(", ", roles)}.") { Code = UserErrorCode.Forbidden.ToSchemaName() };
        return principal;
    }

    /// <summary>Every reader role: Ingestor is a sensor identity and reads nothing.</summary>
    public static RespondPrincipal RequireReader(this IResolveFieldContext context) =>
        context.Require(Roles.Admin, Roles.RuleAuthor, Roles.Responder, Roles.Approver, Roles.Viewer);

    public static T Service<T>(this IResolveFieldContext context) where T : notnull =>
        context.RequestServices!.GetRequiredService<T>();
}
