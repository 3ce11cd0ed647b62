using GraphQL.Types;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Respond.Server.Features.Audit;
using Respond.Server.GraphQL;
using Respond.Server.Identity;
using Respond.Server.Persistence;

namespace Respond.Server.Features.People;

public sealed record ResetUserPasswordInput(string Id, string Password);

public sealed class ResetUserPasswordInputType : InputObjectGraphType<ResetUserPasswordInput>
{
    public ResetUserPasswordInputType()
    {
        Name = "ResetUserPasswordInput";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field(i => i.Password).Description($"The new password, at least {PasswordRules.MinLength} characters.");
    }
}

/// <summary>resetUserPassword: sets a new password and ends the user's current sign-ins (whoever knew the old one is out).</summary>
internal sealed class ResetUserPassword(RespondDbContext db, IPasswordHasher<UserAccount> hasher, AuditTrail audit, SignInRevocation revocation)
{
    public async Task<UserPayload> ExecuteAsync(ResetUserPasswordInput input, RespondPrincipal by, CancellationToken ct)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == input.Id, ct);
        if (user is null || !GrantLimits.CanManage(by, user.Organizations)) return UserPayload.Fail(UserError.NotFound("user"));
        if (PasswordRules.Refusal(input.Password) is { } weak) return UserPayload.Fail(weak);
        user.PasswordHash = hasher.HashPassword(user, input.Password);
        // The password itself is never audited, only that it changed.
        audit.Record(by, "user.passwordReset", "User", user.Id, CreateUser.AuditScope(user.Organizations), null, new { user.UserName });
        await db.SaveChangesAsync(ct);
        await revocation.RevokeSubjectAsync(user.Id, "Forbidden: the user's password was reset", ct);
        return new UserPayload(user, []);
    }
}
