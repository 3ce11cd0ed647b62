using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

public sealed record UserIdInput(string Id);

public sealed class UserIdInputType : InputObjectGraphType<UserIdInput>
{
    public UserIdInputType()
    {
        Name = "UserIdInput";
        Field<NonNullGraphType<IdGraphType>>("id");
    }
}

/// <summary>
/// disableUser / enableUser. Disabling ends every sign-in at once: the tokens the user holds are revoked, and neither a
/// password nor a refresh token gets new ones until enabled again. Nobody disables themselves (an installation must
/// not lose its last administrator by a slip).
/// </summary>
internal sealed class SetUserDisabled(RespondDbContext db, AuditTrail audit, SignInRevocation revocation, TimeProvider time)
{
    public async Task<UserPayload> ExecuteAsync(UserIdInput input, bool disable, RespondPrincipal by, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == input.Id, ct);
        if (user is null || !GrantLimits.CanManage(by, user.Organizations)) return UserPayload.Fail(UserError.NotFound("user"));
        if (disable && user.Id == by.Id) return UserPayload.Fail(new UserError(UserErrorCode.Validation, "You cannot disable yourself; ask another administrator.", "id"));
        if (user.DisabledAt is not null == disable) return new UserPayload(user, []);
        user.DisabledAt = disable ? time.GetUtcNow() : null;
        audit.Record(by, disable ? "user.disabled" : "user.enabled", "User", user.Id, CreateUser.AuditScope(user.Organizations),
            new { Disabled = !disable }, new { Disabled = disable });
        await db.SaveChangesAsync(ct);
        if (disable) await revocation.RevokeSubjectAsync(user.Id, "Forbidden: the user was disabled", ct);
        return new UserPayload(user, []);
    }
}
