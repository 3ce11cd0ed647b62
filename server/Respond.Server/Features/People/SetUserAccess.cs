using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

public sealed record SetUserAccessInput(string Id, List<string> Roles, List<string> Organizations);

public sealed class SetUserAccessInputType : InputObjectGraphType<SetUserAccessInput>
{
    public SetUserAccessInputType()
    {
        Name = "SetUserAccessInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Roles);
        Field(i => i.Organizations).Description("Organization ids, or \"*\" for every organization.");
    }
}

/// <summary>setUserAccess: replaces a user's roles and organizations (within what the caller holds); effective at the next token refresh.</summary>
internal sealed class SetUserAccess(RespondDbContext db, AuditTrail audit)
{
    public async Task<UserPayload> ExecuteAsync(SetUserAccessInput input, RespondPrincipal by, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == input.Id, ct);
        if (user is null || !GrantLimits.CanManage(by, user.Organizations)) return UserPayload.Fail(UserError.NotFound("user"));
        if (await GrantLimits.RefusalAsync(db, by, input.Roles, input.Organizations, ct) is { } refused) return UserPayload.Fail(refused);
        if (user.Id == by.Id && !input.Roles.Contains(Roles.Admin))
            return UserPayload.Fail(new UserError(UserErrorCode.Validation, "You cannot take the Admin role from yourself; ask another administrator.", "roles"));
        var before = new { user.Roles, user.Organizations };
        user.Roles = input.Roles.Distinct().ToList();
        user.Organizations = input.Organizations.Distinct().ToList();
        audit.Record(by, "user.accessChanged", "User", user.Id, CreateUser.AuditScope([.. before.Organizations.Union(user.Organizations)]), before,
            new { user.Roles, user.Organizations });
        await db.SaveChangesAsync(ct);
        return new UserPayload(user, []);
    }
}
